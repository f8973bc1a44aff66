"""One heartbeat per worker that visits every /ertc socket once per ping interval.

A socket's reader waits for input without a timeout (a timer per wait costs more than the frame
it waits for); this wheel does the timed part instead. It turns one slot per step, a full turn
per interval, and calls `beat()` on the sockets of that slot: each socket is visited once per
interval, and the sockets are spread over the slots so that pings do not come in bursts.
"""

import logging
import os
import threading
import time
from typing import Protocol

log = logging.getLogger(__name__)

# 10 ms apart at a 5 s interval: at 2000 sockets a step pings 4 of them rather than 40 at once,
# so no step holds up the frames that arrive meanwhile for long.
SLOTS = 500


class Beating(Protocol):
    def beat(self) -> None: ...


class Heartbeat:
    """A wheel of SLOTS sets; started by the first socket of the process, never stopped."""

    def __init__(self, interval: float, slots: int = SLOTS):
        self.interval = interval
        self._slots: list[set[Beating]] = [set() for _ in range(slots)]
        self._hand = 0  # the slot visited next
        self._lock = threading.Lock()
        self._runner: threading.Thread | None = None

    def add(self, socket: Beating) -> int:
        """Join the slot visited last: the first beat comes one interval from now."""
        with self._lock:
            slot = (self._hand - 1) % len(self._slots)
            self._slots[slot].add(socket)
            if self._runner is None:
                self._runner = threading.Thread(target=self._turn, daemon=True)
                self._runner.start()
        return slot

    def remove(self, socket: Beating, slot: int) -> None:
        with self._lock:
            self._slots[slot].discard(socket)

    def _turn(self) -> None:
        step = self.interval / len(self._slots)
        while True:
            time.sleep(step)
            with self._lock:
                due = list(self._slots[self._hand])
                self._hand = (self._hand + 1) % len(self._slots)
            for socket in due:
                try:
                    socket.beat()
                except Exception:  # noqa: BLE001 - one socket must not stop the others' beats
                    log.exception("ertc: heartbeat failed for one socket")


_beats: dict[tuple[int, float], Heartbeat] = {}


def heartbeat(interval: float) -> Heartbeat:
    """This process's heartbeat for sockets pinged every `interval` seconds (none is inherited)."""
    key = (os.getpid(), interval)
    if key not in _beats:
        _beats[key] = Heartbeat(interval)
    return _beats[key]

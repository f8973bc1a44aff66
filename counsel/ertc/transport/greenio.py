"""What simple-websocket gets in SOCK_SERVER_OPTIONS (built by `server_options`) for /ertc.

simple-websocket would start one reader thread per socket, hand frames over through an Event
and wait for input with `selectors.DefaultSelector`. The route's greenlet reads instead
(reader.py), so the thread never starts and the Event is a no-op; the wait uses
one reused gevent read watcher when gevent patched the process (a GeventSelector builds its
watchers on every wait), and the standard selector otherwise (tests, `flask run`).
"""

import selectors
import sys
from collections.abc import Callable
from typing import Any


def _patched(module: str) -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched(module)


class _ReadWatcher:
    """A selector for one socket: one gevent read watcher, and waits without a timer."""

    def register(self, sock: Any, events: int, data: Any = None) -> None:
        from gevent import get_hub

        self._hub = get_hub()
        self._watcher = self._hub.loop.io(sock.fileno(), 1)  # 1: readable

    def select(self, timeout: None = None) -> list:
        """Wait until the socket is readable (the reader's waits are ended by the heartbeat)."""
        self._hub.wait(self._watcher)
        return [True]

    def close(self) -> None:
        self._watcher.close()


def read_selector() -> Any:
    """simple-websocket's `selector_class`."""
    return _ReadWatcher() if _patched("select") else selectors.DefaultSelector()


class IdleThread:
    """simple-websocket's `thread_class` for /ertc: never runs (reader.py reads)."""

    name = "ertc-reader"

    def __init__(self, target: Callable[[], None]):
        pass

    def start(self) -> None:
        pass

    def join(self, timeout: float | None = None) -> None:
        pass

    def is_alive(self) -> bool:
        return False


class NoEvent:
    """simple-websocket's `event_class` for /ertc: nobody waits, the reader pulls frames."""

    def set(self) -> None:
        pass

    def clear(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> bool:
        return True

"""Per-connection flood control: a token bucket with one warning, then a close.

The bucket bounds work per socket (and so what one client can cost others). The backlog check
is a second line for memory: the reader (reader.py) takes one `recv` at a time,
so frames wait in the kernel, not here.
"""

import time
from collections.abc import Callable
from enum import Enum

from counsel.ertc.protocol import MAX_FRAME_BYTES


class Verdict(Enum):
    OK = "ok"  # handle the frame
    WARN = "warn"  # drop it and answer `too-fast` (once per burst)
    DROP = "drop"  # drop it silently
    FLOOD = "flood"  # still flooding after the warning: close with 1008
    TOO_BIG = "too-big"  # over 64 KiB of UTF-8: close with 1009


class FloodGuard:
    """Token bucket: `burst` frames at once, `rate` per second sustained."""

    def __init__(
        self,
        burst: int = 60,
        rate: float = 20.0,
        grace: int = 60,
        max_backlog: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.burst = burst
        self.rate = rate
        self.grace = grace  # frames dropped after the warning before the close
        self.max_backlog = max_backlog
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()
        self._dropped = 0
        self._warned = False

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def admit(self, frame: str | bytes, backlog: int = 0) -> Verdict:
        """Decide what to do with the next frame."""
        if too_big(frame):
            return Verdict.TOO_BIG
        if backlog > self.max_backlog:
            return Verdict.FLOOD
        self._refill()
        if self._tokens >= 1:
            self._tokens -= 1
            if self._warned and self._tokens >= self.burst / 2:
                self._warned, self._dropped = False, 0  # calm again: forget the strike
            return Verdict.OK
        return self._over_limit()

    def _over_limit(self) -> Verdict:
        self._dropped += 1
        if not self._warned:
            self._warned = True
            return Verdict.WARN
        return Verdict.FLOOD if self._dropped > self.grace else Verdict.DROP


def too_big(frame: str | bytes) -> bool:
    """More than 64 KiB on the wire (simple-websocket counts characters, not bytes)."""
    if isinstance(frame, bytes):
        return len(frame) > MAX_FRAME_BYTES
    if len(frame) * 4 <= MAX_FRAME_BYTES:  # cannot be over: skip the encoding
        return False
    return len(frame.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES

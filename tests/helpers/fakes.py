"""A socket stand-in for relay and routing unit tests: records what it is handed."""

import queue
import threading
import time
import uuid
from typing import Any


class FakeConn:
    """The part of counsel.ertc.transport.connection.Connection a relay and the handlers use.

    `frames` holds every frame sent, in order; `next`, `expect` and `nothing` read them one
    by one, waiting for frames another thread (a relay's listener) hands over later.
    """

    def __init__(self, session_id: int, role: str, user_id: int = 1):
        self.id = uuid.uuid4().hex
        self.session_id = session_id
        self.role = role
        self.user_id = user_id
        self.frames: list[dict[str, Any]] = []
        self.closed: tuple[int, str | None] | None = None
        self._read = 0
        self._arrived = threading.Condition()

    @property
    def peer_role(self) -> str:
        return "expert" if self.role == "member" else "member"

    @property
    def closing(self) -> bool:
        return self.closed is not None

    @property
    def closed_with(self) -> int | None:
        """The close code, once closed."""
        return self.closed[0] if self.closed else None

    @property
    def end_reason(self) -> str | None:
        """Why it was closed, once closed."""
        return self.closed[1] if self.closed else None

    def send(self, frame: dict[str, Any]) -> bool:
        """Record a frame, waking a reader waiting for one."""
        with self._arrived:
            self.frames.append(frame)
            self._arrived.notify_all()
        return True

    deliver = send

    def close(self, code: int, text: str = "", why: str | None = "closed") -> None:
        """Record the first close only, as a real connection closes once."""
        self.closed = self.closed or (code, why)

    def errors(self) -> list[str]:
        """The codes of the error notices sent, in order."""
        return [f["code"] for f in self.frames if f.get("event") == "error"]

    def next(self, timeout: float = 3.0) -> dict[str, Any]:
        """The next frame not read yet (raises queue.Empty after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while self._read == len(self.frames):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise queue.Empty
                self._arrived.wait(left)
            self._read += 1
            return self.frames[self._read - 1]

    def expect(self, timeout: float = 3.0, **fields: Any) -> dict[str, Any]:
        """Skip frames until one has all the given fields."""
        while True:
            frame = self.next(timeout)
            if all(frame.get(key) == value for key, value in fields.items()):
                return frame

    def nothing(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        """Frames that arrive within `seconds` (expected: none)."""
        found = []
        try:
            while True:
                found.append(self.next(seconds))
        except queue.Empty:
            return found

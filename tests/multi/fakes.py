"""A socket stand-in for relay unit tests: records what the relay hands it."""

import queue
import uuid
from typing import Any


class FakeConn:
    """The part of counsel.ertc.transport.connection.Connection a relay uses, recording frames."""

    def __init__(self, session_id: int, role: str, user_id: int = 1):
        self.id = uuid.uuid4().hex
        self.session_id = session_id
        self.role = role
        self.user_id = user_id
        self.end_reason: str | None = None
        self.closed_with: int | None = None
        self.frames: queue.Queue = queue.Queue()

    @property
    def peer_role(self) -> str:
        return "expert" if self.role == "member" else "member"

    @property
    def closing(self) -> bool:
        return self.closed_with is not None

    def send(self, frame: dict[str, Any]) -> bool:
        self.frames.put(frame)
        return True

    deliver = send

    def close(self, code: int, text: str = "", why: str | None = "closed") -> None:
        if self.closed_with is None:
            self.closed_with, self.end_reason = code, why

    def next(self, timeout: float = 3.0) -> dict[str, Any]:
        """The next frame handed to this socket (fails after `timeout`)."""
        return self.frames.get(timeout=timeout)

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
                found.append(self.frames.get(timeout=seconds))
        except queue.Empty:
            return found

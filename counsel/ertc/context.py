"""One socket's view of its session for the handlers: who it is and where frames go."""

from dataclasses import dataclass
from typing import Any

from counsel.ertc.protocol import (
    ENDED,
    ERROR,
    NORMAL_CLOSURE,
    NOT_ALLOWED,
    SESSION_ENDED_TEXT,
    SESSION_OVER_TEXT,
    peer_of,
    sys_frame,
)
from counsel.ertc.relay import Relay


@dataclass
class Context:
    """One socket's view of its session: who it is and where frames go."""

    conn: Any  # a Connection (or a test double with send/close and the seat fields)
    relay: Relay

    @property
    def session_id(self) -> int:
        return self.conn.session_id

    @property
    def role(self) -> str:
        return self.conn.role

    @property
    def peer_role(self) -> str:
        return peer_of(self.role)

    def send_self(self, frame: dict[str, Any]) -> None:
        self.conn.send(frame)

    def send_peer(self, frame: dict[str, Any]) -> bool:
        return self.relay.send_to(self.session_id, self.peer_role, frame)

    def broadcast(self, frame: dict[str, Any]) -> None:
        self.send_self(frame)
        self.send_peer(frame)

    def error(self, code: str, message: str, **extra: Any) -> None:
        self.send_self(sys_frame(ERROR, code=code, message=message, **extra))

    def close_room(self) -> None:
        """Close both sockets of the session after what they were sent (END)."""
        self.relay.close_seat(self.session_id, self.peer_role, NORMAL_CLOSURE, ENDED)
        self.conn.close(NORMAL_CLOSURE, SESSION_ENDED_TEXT, why=ENDED)

    def session_over(self) -> None:
        self.error(NOT_ALLOWED, "This session is over.")
        self.conn.close(NORMAL_CLOSURE, SESSION_OVER_TEXT, why=ENDED)

"""The in-process relay: both people of a session on this worker (one gunicorn worker)."""

import threading
from typing import Any

from counsel.ertc.protocol import (
    CLOSED,
    LOGGED_OUT_CODE,
    LOGGED_OUT_TEXT,
    REPLACED,
    REPLACED_CODE,
    REPLACED_TEXT,
    RESTARTING_TEXT,
    SERVICE_RESTART,
)
from counsel.ertc.relay.base import Relay, RelayEvents
from counsel.ertc.transport.connection import Connection


class LocalRelay(Relay):
    """In-process relay: both people of a session on this worker (one gunicorn worker)."""

    def __init__(self) -> None:
        self.events = RelayEvents()
        self._seats: dict[tuple[int, str], Connection] = {}
        self._lock = threading.Lock()
        self._stop_code: int | None = None

    def attach(self, conn: Connection, notice: dict[str, Any] | None = None) -> None:
        with self._lock:
            previous = self._seats.get((conn.session_id, conn.role))
            self._seats[(conn.session_id, conn.role)] = conn
            stop_code = self._stop_code
        if previous is not None and previous is not conn:
            if notice is not None:
                previous.send(notice)
            previous.close(REPLACED_CODE, REPLACED_TEXT, why=REPLACED)
        if stop_code is not None:
            conn.close(stop_code, RESTARTING_TEXT)

    def detach(self, conn: Connection) -> bool:
        with self._lock:
            if self._seats.get((conn.session_id, conn.role)) is not conn:
                return False
            del self._seats[(conn.session_id, conn.role)]
            return True

    def holder(self, session_id: int, role: str) -> Connection | None:
        """The socket on this worker that holds the seat, if any."""
        with self._lock:
            return self._seats.get((session_id, role))

    def send_to(self, session_id: int, role: str, frame: dict[str, Any]) -> bool:
        conn = self.holder(session_id, role)
        return conn is not None and conn.deliver(frame)

    def is_present(self, session_id: int, role: str) -> bool:
        return self.holder(session_id, role) is not None

    def close_seat(self, session_id: int, role: str, code: int, why: str) -> None:
        conn = self.holder(session_id, role)
        if conn is not None:
            conn.close(code, why=why)

    def connections(self) -> list[Connection]:
        """Every socket on this worker."""
        with self._lock:
            return list(self._seats.values())

    def disconnect_user(self, user_id: int) -> None:
        for conn in self.connections():
            if conn.user_id == user_id:
                conn.close(LOGGED_OUT_CODE, LOGGED_OUT_TEXT, why=CLOSED)

    def healthy(self) -> bool:
        return True

    def shutdown(self, code: int = SERVICE_RESTART) -> None:
        with self._lock:
            self._stop_code = code
        for conn in self.connections():
            conn.close(code, RESTARTING_TEXT, why=CLOSED)

    def local_count(self) -> int:
        with self._lock:
            return len(self._seats)

    def draining(self) -> bool:
        return self._stop_code is not None

"""Delivery between the two sockets of a session: the interface and its in-process version.

A seat is (session_id, role); at most one socket holds it. Handlers only talk to the `Relay`
interface, so a Redis relay (several workers) can replace `LocalRelay` without touching them:
it delivers locally first, publishes the rest with its host id, and keeps seats in Redis.
The choice is made once, from config, in `make_relay`.
"""

import threading
from abc import ABC, abstractmethod
from typing import Any

from flask import Flask, current_app

from counsel.ertc.connection import CLOSED, REPLACED, Connection

REPLACED_CODE = 4000  # CONTRACT: a second socket of the same person takes over
LOGGED_OUT_CODE = 4001  # documented in docs/protocol.md
RESTART_CODE = 1012  # "service restart": clients reconnect at once


class Relay(ABC):
    """Seats and delivery for this worker's sockets (and, in a shared relay, everyone's)."""

    @abstractmethod
    def attach(self, conn: Connection, notice: dict[str, Any] | None = None) -> None:
        """Give conn its seat; the seat's previous socket, wherever it is, gets `notice`
        and is closed with 4000 (why "replaced", so its peer is not told `left`)."""

    @abstractmethod
    def detach(self, conn: Connection) -> bool:
        """Free conn's seat if conn still holds it; True when it did (the person left)."""

    @abstractmethod
    def send_to(self, session_id: int, role: str, frame: dict[str, Any]) -> bool:
        """Hand a frame to the seat's socket; False when nobody holds the seat."""

    @abstractmethod
    def is_present(self, session_id: int, role: str) -> bool:
        """True when someone holds the seat."""

    @abstractmethod
    def close_seat(self, session_id: int, role: str, code: int, why: str) -> None:
        """Close the seat's socket after what it was already sent."""

    @abstractmethod
    def disconnect_user(self, user_id: int) -> None:
        """Close every socket of this user within seconds (logout, account disabled)."""

    @abstractmethod
    def healthy(self) -> bool:
        """True while live delivery works (for /healthz)."""

    @abstractmethod
    def shutdown(self, code: int = RESTART_CODE) -> None:
        """Close this worker's sockets with `code` and refuse new seats."""

    @abstractmethod
    def local_count(self) -> int:
        """Sockets held by this worker (for the per-worker cap)."""

    @abstractmethod
    def draining(self) -> bool:
        """True after shutdown: this worker refuses new sockets while it stops."""

    def bind(self, app: Flask) -> None:  # noqa: B027 - optional: most relays need no app
        """Give the relay the app, for work it does outside any request."""


class LocalRelay(Relay):
    """In-process relay: both people of a session on this worker (one gunicorn worker)."""

    def __init__(self) -> None:
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
            previous.close(REPLACED_CODE, "replaced", why=REPLACED)
        if stop_code is not None:
            conn.close(stop_code, "server restarting")

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
                conn.close(LOGGED_OUT_CODE, "logged out", why=CLOSED)

    def healthy(self) -> bool:
        return True

    def shutdown(self, code: int = RESTART_CODE) -> None:
        with self._lock:
            self._stop_code = code
        for conn in self.connections():
            conn.close(code, "server restarting", why=CLOSED)

    def local_count(self) -> int:
        with self._lock:
            return len(self._seats)

    def draining(self) -> bool:
        return self._stop_code is not None


def make_relay(config: dict[str, Any]) -> Relay:
    """The one place that picks the relay: Redis when COUNSEL_REDIS_URL is set, else in-process."""
    url = config.get("COUNSEL_REDIS_URL")
    if not url:
        return LocalRelay()
    from counsel.ertc.redis_relay import RedisRelay  # redis is only needed when configured

    return RedisRelay(url, prefix=config.get("COUNSEL_REDIS_PREFIX") or "counsel:")


def init_app(app: Flask) -> None:
    """Choose the relay once, from config."""
    relay = make_relay(app.config)
    relay.bind(app)
    app.extensions["counsel.relay"] = relay


def get_relay() -> Relay:
    """This app's relay."""
    return current_app.extensions["counsel.relay"]

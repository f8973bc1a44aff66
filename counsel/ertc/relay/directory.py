"""Where seats are, as one worker knows it: its own claims and the hosts of other workers' seats.

Its own claims live in the seat keys (seats.py); the hosts of seats held elsewhere are read
from those keys and cached (`Routes`), corrected by the seat notices other workers publish.
"""

import threading
from collections.abc import Callable

import redis

from counsel.ertc.relay.seats import Owner, Routes, Seats, now_ms
from counsel.ertc.transport.connection import Connection


class SeatDirectory:
    """This worker's claims on seats, and the last known hosts of seats held elsewhere."""

    def __init__(
        self, seats: Seats, host_id: str, up: threading.Event, on_failure: Callable[[], None]
    ):
        self.seats = seats
        self.host_id = host_id
        self.up = up  # set while the Redis link works
        self.routes = Routes()
        self._owners: dict[str, Owner] = {}  # conn id -> its claim on its seat
        self._on_failure = on_failure

    def own(self, conn: Connection) -> Owner:
        """Record a new claim of conn on its seat (stamped now: the newest claim wins)."""
        owner = Owner(self.host_id, conn.id, now_ms())
        self._owners[conn.id] = owner
        return owner

    def owner_of(self, conn_id: str) -> Owner | None:
        """This worker's claim for a socket, if it has one."""
        return self._owners.get(conn_id)

    def disown(self, conn_id: str) -> Owner | None:
        """Forget a socket's claim; returns it."""
        return self._owners.pop(conn_id, None)

    def lookup(self, session_id: int, role: str) -> str | None:
        """The host of a seat held on another worker, from Redis (and into the cache)."""
        if not self.up.is_set():
            return None  # never block a handler on a link that is known to be down
        try:
            owner = self.seats.owner(session_id, role)
        except redis.RedisError:
            self._on_failure()
            return None
        if owner is None or owner.host == self.host_id:
            self.routes.forget((session_id, role))
            return None  # free, or a stale key of ours
        self.routes.put((session_id, role), owner.host)
        return owner.host

    def route(self, session_id: int, role: str) -> str | None:
        """The host of a seat held elsewhere: cached while the link is up, else looked up."""
        cached = self.routes.get((session_id, role)) if self.up.is_set() else None
        return cached or self.lookup(session_id, role)

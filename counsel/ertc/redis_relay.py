"""The relay for several workers and servers: local delivery first, Redis for the rest.

Each worker has a host id and a channel of its own: a frame for a seat held elsewhere goes to
the owner's channel only (a shared channel makes every worker parse every message: SERVING_NOTES
pitfall 6). Seat locations come from the seat keys (presence.py), cached and corrected by the
notices a worker publishes on the shared channel when a seat changes hands (inbox.py). When
the Redis link breaks, local sockets are told `degraded`, and `restored` once it is back.
"""

import logging
import threading
import uuid
from functools import partial
from typing import Any

import orjson
import redis
from flask import Flask

from counsel.ertc import inbox
from counsel.ertc.connection import REPLACED, Connection
from counsel.ertc.handlers import sys_frame
from counsel.ertc.presence import Owner, Routes, Seats, now_ms
from counsel.ertc.pubsub import Listener, Publisher, connect
from counsel.ertc.relay import REPLACED_CODE, RESTART_CODE, LocalRelay, Relay
from counsel.ertc.seatkeeper import SeatKeeper

log = logging.getLogger(__name__)

START_WAIT_SECONDS = 2.0  # a new worker waits this long for Redis before serving without it


class RedisRelay(Relay):
    """Seats in Redis, frames over pub/sub, sockets of this worker in a LocalRelay."""

    def __init__(self, url: str, prefix: str = "counsel:", ttl: float = 10.0):
        self.host_id = uuid.uuid4().hex[:12]
        self.prefix = prefix
        self.local = LocalRelay()
        self.client = connect(url)
        self.seats = Seats(self.client, prefix, ttl)
        self.owners: dict[str, Owner] = {}  # conn id -> its claim on its seat
        self.up = threading.Event()
        self.degraded = False
        self.app: Flask | None = None
        self.routes = Routes()
        self._pending_logouts: set[int] = set()
        self._start_lock = threading.Lock()
        self._started = False
        self.publisher = Publisher(self.client, self._link_down)
        channels = [self._channel(self.host_id), self._channel("all")]
        self.listener = Listener(
            self.client, channels, partial(inbox.receive, self), self._link_up, self._link_down
        )
        self.keeper = SeatKeeper(self, ttl)

    def bind(self, app: Flask) -> None:
        self.app = app

    def _channel(self, name: str) -> str:
        return f"{self.prefix}host:{name}"

    # --- life of the background links ------------------------------------------------------

    def start(self) -> None:
        """Start the links once (lazily: an app that never serves a socket never connects)."""
        with self._start_lock:
            if self._started:
                return
            self._started = True
            self.publisher.start()
            self.listener.start()
            self.keeper.start()
            self.up.wait(START_WAIT_SECONDS)  # the first socket finds its peer's seat

    def stop(self) -> None:
        """Stop the links and close the Redis connections (tests)."""
        if self._started:
            self.keeper.stop()
            self.listener.stop()
            self.publisher.stop()
        self.client.close()

    def _link_up(self) -> None:
        self.routes.clear()  # seat notices were missed while down
        self.keeper.reconnected()  # Redis may have restarted empty
        self.up.set()
        for user_id in list(self._pending_logouts):
            self._pending_logouts.discard(user_id)
            self._broadcast({"k": "user", "u": user_id})
        if self.degraded:
            self.degraded = False
            log.info("relay: Redis link restored")
            self._tell_all("restored")

    def _link_down(self) -> None:
        self.up.clear()
        self.listener.reconnect()
        if not self.degraded:
            self.degraded = True
            log.warning("relay: Redis link down, live delivery between workers degraded")
            self._tell_all("degraded")

    def _tell_all(self, event: str) -> None:
        for conn in self.local.connections():
            conn.deliver(sys_frame(event))

    # --- the Relay interface ---------------------------------------------------------------

    def attach(self, conn: Connection, notice: dict[str, Any] | None = None) -> None:
        self.start()
        self.local.attach(conn, notice)
        owner = Owner(self.host_id, conn.id, now_ms())
        self.owners[conn.id] = owner
        if self.degraded:
            conn.deliver(sys_frame("degraded"))
        if not self.up.is_set():
            return  # the keeper claims it once the link is back
        try:
            previous = self.seats.claim(conn.session_id, conn.role, owner)
        except redis.RedisError:
            self._link_down()
            return
        elsewhere = previous is not None and previous.host != self.host_id
        self.announce(conn, owner, notice if elsewhere else None)

    def announce(self, conn: Connection, owner: Owner, notice: dict | None = None) -> None:
        """Tell every worker where this seat now is; an older holder elsewhere is replaced."""
        seat = {"s": conn.session_id, "r": conn.role}
        self._broadcast({"k": "seat", **seat, "c": conn.id, "t": owner.stamp, "n": notice})

    def detach(self, conn: Connection) -> bool:
        owner = self.owners.pop(conn.id, None)
        self.keeper.forget(conn)
        if not self.local.detach(conn):
            return False
        if owner is None or not self.up.is_set():
            return True
        try:
            left = self.seats.release(conn.session_id, conn.role, owner)
        except redis.RedisError:
            self._link_down()
            return True
        if left:
            self._broadcast({"k": "seat", "s": conn.session_id, "r": conn.role, "c": None})
        return left

    def send_to(self, session_id: int, role: str, frame: dict[str, Any]) -> bool:
        holder = self.local.holder(session_id, role)
        if holder is not None:
            return holder.deliver(frame)
        return self._publish_to_seat({"k": "f", "s": session_id, "r": role, "f": frame})

    def is_present(self, session_id: int, role: str) -> bool:
        if self.local.holder(session_id, role) is not None:
            return True
        self.start()
        return self.lookup(session_id, role) is not None

    def close_seat(self, session_id: int, role: str, code: int, why: str) -> None:
        if self.local.holder(session_id, role) is not None:
            self.local.close_seat(session_id, role, code, why)
        else:
            self._publish_to_seat({"k": "x", "s": session_id, "r": role, "c": code, "w": why})

    def disconnect_user(self, user_id: int) -> None:
        self.local.disconnect_user(user_id)
        self.start()
        if self.up.is_set():
            self._broadcast({"k": "user", "u": user_id})
        else:
            self._pending_logouts.add(user_id)  # sent when the link is back

    def healthy(self) -> bool:
        self.start()
        return self.up.is_set()

    def shutdown(self, code: int = RESTART_CODE) -> None:
        self.local.shutdown(code)

    def draining(self) -> bool:
        return self.local.draining()

    def local_count(self) -> int:
        return self.local.local_count()

    # --- where seats are -------------------------------------------------------------------

    def lookup(self, session_id: int, role: str) -> str | None:
        """The host of a seat held on another worker, from Redis (and into the cache)."""
        if not self.up.is_set():
            return None  # never block a handler on a link that is known to be down
        try:
            owner = self.seats.owner(session_id, role)
        except redis.RedisError:
            self._link_down()
            return None
        if owner is None or owner.host == self.host_id:
            self.routes.forget((session_id, role))
            return None  # free, or a stale key of ours
        self.routes.put((session_id, role), owner.host)
        return owner.host

    def _route(self, session_id: int, role: str) -> str | None:
        cached = self.routes.get((session_id, role)) if self.up.is_set() else None
        return cached or self.lookup(session_id, role)

    def _publish_to_seat(self, message: dict[str, Any]) -> bool:
        host = self._route(message["s"], message["r"])
        if host is None:
            return False
        return self.publish(host, message)

    def publish(self, host: str, message: dict[str, Any]) -> bool:
        payload = orjson.dumps({"o": self.host_id, **message})
        return self.publisher.put(self._channel(host), payload)

    def _broadcast(self, message: dict[str, Any]) -> None:
        if self.up.is_set():
            self.publish("all", message)

    def replace(self, conn: Connection, notice: dict[str, Any] | None) -> None:
        """A newer socket of the same person holds the seat elsewhere: close this one."""
        conn.send(notice or {**sys_frame("replaced"), "role": conn.role})
        conn.close(REPLACED_CODE, "replaced", why=REPLACED)

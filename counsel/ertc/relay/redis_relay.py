"""The relay for several workers and servers: local delivery first, Redis for the rest.

Each worker has a host id and a channel of its own: a frame for a seat held elsewhere goes to
the owner's channel only (a shared channel makes every worker parse every message). Its
collaborators: the `SeatDirectory` (where seats are), the `Postman` and `Arrivals` (messages to
and from other workers, envelopes.py), the `Publisher` and `Listener` (the Redis links) and the
`SeatUpkeep` (seat TTLs, dead workers). When the link breaks, `events.link_changed` is called
for every local socket (the session layer says `degraded`), and again once it is back.
"""

import logging
import threading
import uuid
from typing import Any

import redis

from counsel.ertc.protocol import (
    REPLACED,
    REPLACED_CODE,
    REPLACED_EVENT,
    REPLACED_TEXT,
    SERVICE_RESTART,
    sys_frame,
)
from counsel.ertc.relay.base import Relay, RelayEvents
from counsel.ertc.relay.directory import SeatDirectory
from counsel.ertc.relay.envelopes import ALL, Arrivals, Postman
from counsel.ertc.relay.links import Listener, Publisher, connect
from counsel.ertc.relay.local import LocalRelay
from counsel.ertc.relay.seats import Owner, Seats
from counsel.ertc.relay.upkeep import SeatUpkeep
from counsel.ertc.transport.connection import Connection

log = logging.getLogger(__name__)

START_WAIT_SECONDS = 2.0  # a new worker waits this long for Redis before serving without it


class RedisRelay(Relay):
    """Seats in Redis, frames over pub/sub, sockets of this worker in a LocalRelay."""

    def __init__(self, url: str, prefix: str = "counsel:", ttl: float = 10.0):
        self.host_id = uuid.uuid4().hex[:12]
        self.events = RelayEvents()
        self.local = LocalRelay()
        self.client = connect(url)
        self.seats = Seats(self.client, prefix, ttl)
        self.up = threading.Event()
        self.degraded = False
        self.directory = SeatDirectory(self.seats, self.host_id, self.up, self._link_down)
        self.publisher = Publisher(self.client, self._link_down)
        self.postman = Postman(self.host_id, prefix, self.publisher, self.up)
        arrivals = Arrivals(self.local, self.directory, self.postman, self.replace)
        channels = [self.postman.channel(self.host_id), self.postman.channel(ALL)]
        self.listener = Listener(
            self.client, channels, arrivals.receive, self._link_up, self._link_down
        )
        self.upkeep = SeatUpkeep(
            self.local, self.directory, ttl, self.replace, self.announce, self._vanished
        )
        self._pending_logouts: set[int] = set()
        self._start_lock = threading.Lock()
        self._started = False

    # --- life of the background links ------------------------------------------------------

    def start(self) -> None:
        """Start the links once (lazily: an app that never serves a socket never connects)."""
        with self._start_lock:
            if self._started:
                return
            self._started = True
            self.publisher.start()
            self.listener.start()
            self.upkeep.start()
            self.up.wait(START_WAIT_SECONDS)  # the first socket finds its peer's seat

    def stop(self) -> None:
        """Stop the links and close the Redis connections (tests)."""
        if self._started:
            self.upkeep.stop()
            self.listener.stop()
            self.publisher.stop()
        self.client.close()

    def _link_up(self) -> None:
        self.directory.routes.clear()  # seat notices were missed while down
        self.upkeep.reconnected()  # Redis may have restarted empty
        self.up.set()
        for user_id in list(self._pending_logouts):
            self._pending_logouts.discard(user_id)
            self.postman.broadcast({"k": "user", "u": user_id})
        if self.degraded:
            self.degraded = False
            log.info("relay: Redis link restored")
            self._tell_all(up=True)

    def _link_down(self) -> None:
        self.up.clear()
        self.listener.reconnect()
        if not self.degraded:
            self.degraded = True
            log.warning("relay: Redis link down, live delivery between workers degraded")
            self._tell_all(up=False)

    def _tell_all(self, up: bool) -> None:
        for conn in self.local.connections():
            self.events.link_changed(conn, up)

    def _vanished(self, session_id: int, role: str) -> None:
        self.events.peer_vanished(session_id, role)

    # --- seats -----------------------------------------------------------------------------

    def attach(self, conn: Connection, notice: dict[str, Any] | None = None) -> None:
        self.start()
        self.local.attach(conn, notice)
        owner = self.directory.own(conn)
        if self.degraded:
            self.events.link_changed(conn, False)
        if not self.up.is_set():
            return  # the upkeep claims it once the link is back
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
        self.postman.broadcast({"k": "seat", **seat, "c": conn.id, "t": owner.stamp, "n": notice})

    def detach(self, conn: Connection) -> bool:
        owner = self.directory.disown(conn.id)
        self.upkeep.forget(conn)
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
            self.postman.broadcast({"k": "seat", "s": conn.session_id, "r": conn.role, "c": None})
        return left

    def is_present(self, session_id: int, role: str) -> bool:
        if self.local.holder(session_id, role) is not None:
            return True
        self.start()
        return self.directory.lookup(session_id, role) is not None

    def replace(self, conn: Connection, notice: dict[str, Any] | None) -> None:
        """A newer socket of the same person holds the seat elsewhere: close this one."""
        conn.send(notice or {**sys_frame(REPLACED_EVENT), "role": conn.role})
        conn.close(REPLACED_CODE, REPLACED_TEXT, why=REPLACED)

    # --- delivery --------------------------------------------------------------------------

    def send_to(self, session_id: int, role: str, frame: dict[str, Any]) -> bool:
        holder = self.local.holder(session_id, role)
        if holder is not None:
            return holder.deliver(frame)
        return self._publish_to_seat({"k": "f", "s": session_id, "r": role, "f": frame})

    def close_seat(self, session_id: int, role: str, code: int, why: str) -> None:
        if self.local.holder(session_id, role) is not None:
            self.local.close_seat(session_id, role, code, why)
        else:
            self._publish_to_seat({"k": "x", "s": session_id, "r": role, "c": code, "w": why})

    def _publish_to_seat(self, message: dict[str, Any]) -> bool:
        host = self.directory.route(message["s"], message["r"])
        return host is not None and self.postman.publish(host, message)

    def disconnect_user(self, user_id: int) -> None:
        self.local.disconnect_user(user_id)
        self.start()
        if self.up.is_set():
            self.postman.broadcast({"k": "user", "u": user_id})
        else:
            self._pending_logouts.add(user_id)  # sent when the link is back

    # --- lifecycle -------------------------------------------------------------------------

    def healthy(self) -> bool:
        self.start()
        return self.up.is_set()

    def shutdown(self, code: int = SERVICE_RESTART) -> None:
        self.local.shutdown(code)

    def draining(self) -> bool:
        return self.local.draining()

    def local_count(self) -> int:
        return self.local.local_count()

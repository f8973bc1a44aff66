"""Keeping a worker's seats alive in Redis, and noticing when a peer's worker died.

Every few seconds the worker refreshes the TTL of each seat it holds; a worker that dies
stops refreshing and its seats expire. Every second it reads the seats of the peers of its
sockets that are held elsewhere: a seat that was held and is now simply gone (not left with a
tombstone) belonged to a worker that died, which it reports through `vanished`; the session
layer then persists `left` (reason `timeout`) and tells the peer here.
With a TTL of 10 s and a refresh every 3 s that happens 7 to 11 s after the death.
"""

import logging
import threading
import time
from collections.abc import Callable

import redis

from counsel.ertc.relay.directory import SeatDirectory
from counsel.ertc.relay.local import LocalRelay
from counsel.ertc.relay.seats import SUPERSEDED, TAKEN_BACK, Owner
from counsel.ertc.transport.connection import Connection

log = logging.getLogger(__name__)

WATCH_EVERY = 1.0


class SeatUpkeep:
    """Refreshes this worker's seats and watches the seats of its sockets' peers."""

    def __init__(
        self,
        local: LocalRelay,
        directory: SeatDirectory,
        ttl: float,
        replace: Callable[[Connection, None], None],
        announce: Callable[[Connection, Owner], None],
        vanished: Callable[[int, str], None],
    ):
        self.local = local
        self.directory = directory
        self.replace = replace  # a newer socket took the seat: close ours
        self.announce = announce  # we took the seat back: tell the other workers
        self.vanished = vanished  # a peer's seat expired: its worker died
        self.refresh_every = ttl / 3.3
        # After the link returns, other workers need a moment to re-register their seats
        # (Redis may have restarted empty): judge no peer gone until then.
        self.settle = self.refresh_every + 2.0
        self._seen: dict[str, Owner | None] = {}  # conn id -> the peer's owner last seen
        self._next_refresh = 0.0
        self._watch_from = 0.0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="redis-seats")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def forget(self, conn: Connection) -> None:
        self._seen.pop(conn.id, None)

    def _run(self) -> None:
        while not self._stopped.wait(WATCH_EVERY):
            if not self.directory.up.is_set():
                continue
            try:
                self._tick(time.monotonic())
            except redis.RedisError as error:
                log.warning("relay: seat upkeep failed: %s", type(error).__name__)
            except Exception:  # never let the upkeep die silently
                log.exception("relay: seat upkeep failed")

    def _tick(self, now: float) -> None:
        if now >= self._next_refresh:
            self.register_all()
        if now >= self._watch_from:
            self.watch()

    def register_all(self) -> None:
        """Claim or refresh every local seat; settle differences left by an outage."""
        directory = self.directory
        held: list[tuple[Connection, Owner]] = []
        for conn in self.local.connections():
            owner = directory.owner_of(conn.id)
            if owner is not None:
                held.append((conn, owner))
        claims = [(conn.session_id, conn.role, owner) for conn, owner in held]
        results = directory.seats.refresh_many(claims)
        for (conn, owner), result in zip(held, results, strict=True):
            if result == SUPERSEDED:
                self.replace(conn, None)  # a newer socket took the seat during the outage
            elif result == TAKEN_BACK:
                self.announce(conn, owner)
        self._next_refresh = time.monotonic() + self.refresh_every

    def reconnected(self) -> None:
        """The link is back: claim every seat again now, judge no peer gone for a while."""
        self._watch_from = time.monotonic() + self.settle
        self.register_all()

    def watch(self) -> None:
        """Report a socket's peer whose seat expired (the peer's worker died)."""
        local = self.local
        watched = [
            conn
            for conn in local.connections()
            if local.holder(conn.session_id, conn.peer_role) is None and not conn.closing
        ]
        raws = self.directory.seats.raw_many([(c.session_id, c.peer_role) for c in watched])
        for conn, raw in zip(watched, raws, strict=True):
            before = self._seen.get(conn.id)
            self._seen[conn.id] = Owner.parse(raw)
            if raw is None and before is not None and before.host != self.directory.host_id:
                self._vanished(conn)

    def _vanished(self, conn: Connection) -> None:
        log.info(
            "relay: session=%s %s's worker is gone (seat expired)", conn.session_id, conn.peer_role
        )
        self.vanished(conn.session_id, conn.peer_role)

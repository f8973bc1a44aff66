"""Seat keys in Redis: who holds (session, role), on which worker, kept alive by a TTL.

A seat key holds "<host_id> <conn_id> <stamp_ms>" with a TTL the owning worker refreshes, so
the seats of a worker that died expire on their own. A socket that leaves normally replaces
the value with a short-lived tombstone "-": a watcher that then finds the key missing knows
the owner died instead of leaving (and its peer must be told `left`, reason `timeout`).
The stamp orders claims: after an outage the newest socket of a person keeps the seat.
"""

import time
from dataclasses import dataclass

import redis

TOMBSTONE = "-"

# 1 = refreshed, 2 = taken back from an older owner (after an outage), 0 = a newer owner has it
_REFRESH = """
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if cur and cur ~= '-' then
  local stamp = tonumber(string.match(cur, '(%d+)$'))
  if stamp and stamp > tonumber(ARGV[3]) then return 0 end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1
"""

# 1 = released, 2 = nobody held it any more, 0 = another socket holds it (replaced)
_RELEASE = """
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('SET', KEYS[1], '-', 'PX', ARGV[2]) return 1 end
if (not cur) or cur == '-' then return 2 end
return 0
"""

REFRESHED, TAKEN_BACK, SUPERSEDED = 1, 2, 0


@dataclass(frozen=True)
class Owner:
    """Who holds a seat: a worker's host id, the socket's id, when it claimed the seat."""

    host: str
    conn: str
    stamp: int

    @property
    def value(self) -> str:
        return f"{self.host} {self.conn} {self.stamp}"

    @classmethod
    def parse(cls, raw: bytes | str | None) -> "Owner | None":
        """The owner a key's value names; None for a missing key or a tombstone."""
        if raw is None:
            return None
        text = raw.decode() if isinstance(raw, bytes) else raw
        parts = text.split(" ")
        if len(parts) != 3 or not parts[2].isdigit():
            return None
        return cls(parts[0], parts[1], int(parts[2]))


def now_ms() -> int:
    return int(time.time() * 1000)


class Seats:
    """The seat keys of one Redis database, under a prefix."""

    def __init__(self, client: redis.Redis, prefix: str, ttl: float):
        self.client = client
        self.prefix = prefix
        self.ttl_ms = int(ttl * 1000)
        self._refresh = client.register_script(_REFRESH)
        self._release = client.register_script(_RELEASE)

    def key(self, session_id: int, role: str) -> str:
        return f"{self.prefix}seat:{session_id}:{role}"

    def claim(self, session_id: int, role: str, owner: Owner) -> Owner | None:
        """Take the seat unconditionally; returns its previous owner."""
        previous = self.client.set(
            self.key(session_id, role), owner.value, px=self.ttl_ms, get=True
        )
        return Owner.parse(previous if isinstance(previous, bytes | str) else None)

    def owner(self, session_id: int, role: str) -> Owner | None:
        return Owner.parse(self.client.get(self.key(session_id, role)))

    def raw_many(self, seats: list[tuple[int, str]]) -> list[str | None]:
        """The raw values of many seats in one round trip (None: missing)."""
        if not seats:
            return []
        values = self.client.mget([self.key(*seat) for seat in seats])
        return [value.decode() if isinstance(value, bytes) else value for value in values]

    def refresh_many(self, claims: list[tuple[int, str, Owner]]) -> list[int]:
        """Refresh this worker's claims in one pipeline; REFRESHED/TAKEN_BACK/SUPERSEDED each."""
        if not claims:
            return []
        pipe = self.client.pipeline(transaction=False)
        for session_id, role, owner in claims:
            self._refresh(
                keys=[self.key(session_id, role)],
                args=[owner.value, self.ttl_ms, owner.stamp],
                client=pipe,
            )
        return [int(result) for result in pipe.execute()]

    def release(self, session_id: int, role: str, owner: Owner) -> bool:
        """Leave the seat with a tombstone; False when another socket holds it (replaced)."""
        result = self._release(keys=[self.key(session_id, role)], args=[owner.value, self.ttl_ms])
        return int(result) != 0


class Routes:
    """Where seats held on other workers are, as last learned (looked up again after a while)."""

    def __init__(self, seconds: float = 10.0, limit: int = 100_000):
        self.seconds = seconds
        self.limit = limit
        self._hosts: dict[tuple[int, str], tuple[str, float]] = {}

    def get(self, seat: tuple[int, str]) -> str | None:
        found = self._hosts.get(seat)
        return found[0] if found is not None and found[1] > time.monotonic() else None

    def put(self, seat: tuple[int, str], host: str) -> None:
        if len(self._hosts) >= self.limit:
            self._hosts.clear()  # a bound on memory; the next sends look up again
        self._hosts[seat] = (host, time.monotonic() + self.seconds)

    def forget(self, seat: tuple[int, str]) -> None:
        self._hosts.pop(seat, None)

    def clear(self) -> None:
        self._hosts.clear()

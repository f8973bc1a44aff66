"""Seats and frames between the sockets of a session: in-process, or over Redis.

The relay holds no Flask app and knows nothing of the ledger: the session layer registers
`RelayEvents` callbacks for what a relay notices (a peer's worker died, the link broke).
"""

from typing import Any

from counsel.ertc.relay.base import Relay, RelayEvents
from counsel.ertc.relay.local import LocalRelay

__all__ = ["LocalRelay", "Relay", "RelayEvents", "make_relay"]


def make_relay(config: dict[str, Any]) -> Relay:
    """The one place that picks the relay: Redis when REDIS_URL is set, else in-process."""
    url = config.get("REDIS_URL")
    if not url:
        return LocalRelay()
    from counsel.ertc.relay.redis_relay import RedisRelay  # redis is only needed when set

    return RedisRelay(url, prefix=config.get("REDIS_PREFIX") or "counsel:")

"""What a worker does with the messages other workers publish to it (see redis_relay).

On a worker's own channel: frames (`f`) and closes (`x`) for seats it holds. On the shared
channel: where a seat went (`seat`, which also replaces an older socket of that seat here)
and logouts (`user`). Every message names its origin; a worker drops its own echoes.
"""

from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from counsel.ertc.redis_relay import RedisRelay


def receive(relay: "RedisRelay", data: bytes) -> None:
    """Handle one published message."""
    message = orjson.loads(data)
    if message["o"] == relay.host_id:
        return  # our own echo
    handler = HANDLERS.get(message["k"])
    if handler is not None:
        handler(relay, message)


def _frame(relay: "RedisRelay", message: dict[str, Any]) -> None:
    holder = relay.local.holder(message["s"], message["r"])
    if holder is not None:
        holder.deliver(message["f"])
    else:
        _forward(relay, message)


def _close(relay: "RedisRelay", message: dict[str, Any]) -> None:
    if relay.local.holder(message["s"], message["r"]) is not None:
        relay.local.close_seat(message["s"], message["r"], message["c"], message["w"])
    else:
        _forward(relay, message)


def _forward(relay: "RedisRelay", message: dict[str, Any]) -> None:
    """The seat moved while this was on its way: send it on to where it is now, once."""
    if message.get("h"):
        return
    host = relay.lookup(message["s"], message["r"])
    if host is not None:
        relay.publish(host, {**message, "h": 1})


def _seat(relay: "RedisRelay", message: dict[str, Any]) -> None:
    seat = (message["s"], message["r"])
    if message["c"] is None:
        relay.routes.forget(seat)  # left
        return
    relay.routes.put(seat, message["o"])
    holder = relay.local.holder(*seat)
    if holder is not None and holder.id != message["c"]:
        mine = relay.owners.get(holder.id)
        if mine is None or mine.stamp <= message["t"]:  # two tabs at once: the newer stays
            relay.replace(holder, message.get("n"))


def _user(relay: "RedisRelay", message: dict[str, Any]) -> None:
    relay.local.disconnect_user(message["u"])


HANDLERS = {"f": _frame, "x": _close, "seat": _seat, "user": _user}

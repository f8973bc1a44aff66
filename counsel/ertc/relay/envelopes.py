"""The messages workers publish to each other over Redis, and what a receiving worker does.

On a worker's own channel: frames (`f`) and closes (`x`) for seats it holds. On the shared
channel: where a seat went (`seat`, which also replaces an older socket of that seat here)
and logouts (`user`). Every message names its origin (`o`); a worker drops its own echoes.
"""

import threading
from collections.abc import Callable
from typing import Any

import orjson

from counsel.ertc.relay.directory import SeatDirectory
from counsel.ertc.relay.links import Publisher
from counsel.ertc.relay.local import LocalRelay
from counsel.ertc.transport.connection import Connection

ALL = "all"  # the shared channel's name


class Postman:
    """Publishes this worker's messages: to one worker's channel, or to every worker."""

    def __init__(self, host_id: str, prefix: str, publisher: Publisher, up: threading.Event):
        self.host_id = host_id
        self.prefix = prefix
        self.publisher = publisher
        self.up = up

    def channel(self, host: str) -> str:
        """The channel of one worker (or of all: ALL)."""
        return f"{self.prefix}host:{host}"

    def publish(self, host: str, message: dict[str, Any]) -> bool:
        """Queue a message for one worker's channel; False when the queue is full."""
        payload = orjson.dumps({"o": self.host_id, **message})
        return self.publisher.put(self.channel(host), payload)

    def broadcast(self, message: dict[str, Any]) -> None:
        """Tell every worker, while the link is up (what is missed is settled on reconnect)."""
        if self.up.is_set():
            self.publish(ALL, message)


class Arrivals:
    """Acts on the messages other workers publish to this one."""

    def __init__(
        self,
        local: LocalRelay,
        directory: SeatDirectory,
        postman: Postman,
        replace: Callable[[Connection, dict[str, Any] | None], None],
    ):
        self.local = local
        self.directory = directory
        self.postman = postman
        self.replace = replace  # closes a local socket a newer one elsewhere took over from
        self._kinds = {"f": self._frame, "x": self._close, "seat": self._seat, "user": self._user}

    def receive(self, data: bytes) -> None:
        """Handle one published message."""
        message = orjson.loads(data)
        if message["o"] == self.directory.host_id:
            return  # our own echo
        handler = self._kinds.get(message["k"])
        if handler is not None:
            handler(message)

    def _frame(self, message: dict[str, Any]) -> None:
        holder = self.local.holder(message["s"], message["r"])
        if holder is not None:
            holder.deliver(message["f"])
        else:
            self._forward(message)

    def _close(self, message: dict[str, Any]) -> None:
        if self.local.holder(message["s"], message["r"]) is not None:
            self.local.close_seat(message["s"], message["r"], message["c"], message["w"])
        else:
            self._forward(message)

    def _forward(self, message: dict[str, Any]) -> None:
        """The seat moved while this was on its way: send it on to where it is now, once."""
        if message.get("h"):
            return
        host = self.directory.lookup(message["s"], message["r"])
        if host is not None:
            self.postman.publish(host, {**message, "h": 1})

    def _seat(self, message: dict[str, Any]) -> None:
        seat = (message["s"], message["r"])
        if message["c"] is None:
            self.directory.routes.forget(seat)  # left
            return
        self.directory.routes.put(seat, message["o"])
        holder = self.local.holder(*seat)
        if holder is not None and holder.id != message["c"]:
            mine = self.directory.owner_of(holder.id)
            if mine is None or mine.stamp <= message["t"]:  # two tabs at once: the newer stays
                self.replace(holder, message.get("n"))

    def _user(self, message: dict[str, Any]) -> None:
        self.local.disconnect_user(message["u"])

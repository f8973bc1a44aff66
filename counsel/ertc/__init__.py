"""The /ertc WebSocket: signaling and the session ledger between a session's two people.

Three layers, each importing only the ones below it (docs/architecture.md): this package's
own modules (the session layer), `relay/` (seats and frames) and `transport/` (sockets), with
the vocabulary in `protocol`. Code outside uses only `init_app`, `get_relay`, `describe` and
`counsel.ertc.protocol`.
"""

from typing import Any

from flask import Flask

from counsel.ertc.current import RELAY_KEY, get_relay

__all__ = ["RELAY_KEY", "describe", "get_relay", "init_app"]


def init_app(app: Flask) -> None:
    """Choose the relay once, from config; tune flask-sock's sockets; register the route."""
    from counsel.ertc import callbacks, endpoint
    from counsel.ertc.relay import make_relay
    from counsel.ertc.transport import server_options

    options = server_options(app.config["ERTC_PING_INTERVAL"], app.config["ERTC_MAX_FRAME_BYTES"])
    app.config.setdefault("SOCK_SERVER_OPTIONS", options)  # a test's own options win
    relay = make_relay(app.config)
    callbacks.register(relay, app)
    app.extensions[RELAY_KEY] = relay
    app.register_blueprint(endpoint.bp)


def describe(kind: str, payload: dict[str, Any]) -> str | None:
    """The transcript's line for a ledger entry of this type; None for an unknown type."""
    from counsel.ertc.registry import describe as from_registry

    return from_registry(kind, payload)

"""Every use of simple-websocket's and wsproto's internals, in one place.

The transport reads the socket itself (reader.py) instead of simple-websocket's reader thread,
so it relies on attributes simple-websocket documents nowhere: the raw socket, the list its
reader fills, the connected and pong flags, `_handle_events()`, and the wsproto connection
`ws.ws`. pyproject.toml pins both libraries to the minor versions these were checked against,
and tests/unit/test_ertc_internals.py fails when an upgrade changes any of them.

The hot path keeps its speed: callers fetch the socket and the frame list once per connection
(`raw_socket`, `frame_list`) and use them directly; only rare events go through a function here.
"""

from typing import Any

from wsproto.connection import ConnectionState
from wsproto.utilities import LocalProtocolError

__all__ = ["ConnectionState", "LocalProtocolError"]


def raw_socket(ws: Any) -> Any:
    """The connection's socket (simple-websocket's `sock`)."""
    return ws.sock


def frame_list(ws: Any) -> list:
    """The list simple-websocket's parser appends whole received messages to (`input_buffer`)."""
    return ws.input_buffer


def recv_size(ws: Any) -> int:
    """How many bytes one recv asks for (`receive_bytes`)."""
    return ws.receive_bytes


def ping_interval(ws: Any) -> float:
    """The ping interval the Server was built with (counsel.ertc.transport.server_options)."""
    if ws.ping_interval is None:
        raise ValueError("the /ertc Server needs a ping_interval: the heartbeat drives it")
    return float(ws.ping_interval)


def max_message_size(ws: Any) -> int | None:
    """The message size limit the Server was built with."""
    return ws.max_message_size


def protocol(ws: Any) -> Any:
    """The wsproto connection (`ws.ws`): its `state` says whether frames may still be sent."""
    return ws.ws


def feed(ws: Any, data: bytes) -> None:
    """Hand bytes to wsproto and let simple-websocket act on its events (pongs, close, data)."""
    ws.ws.receive_data(data)
    ws.connected = ws._handle_events() and ws.connected


def is_connected(ws: Any) -> bool:
    """False once the close handshake began or the socket failed."""
    return ws.connected


def mark_disconnected(ws: Any) -> None:
    """Record that the socket ended (a failed read)."""
    ws.connected = False


def close_details(ws: Any) -> tuple[Any, Any]:
    """The client's close code and reason, for ConnectionClosed."""
    return ws.close_reason, ws.close_message


def take_pong(ws: Any) -> bool:
    """Whether a pong came since the last call; resets the flag for the next ping."""
    received = ws.pong_received
    ws.pong_received = False
    return received


def is_local_closing(ws: Any) -> bool:
    """True while our close frame waits for the client's answer."""
    return ws.ws.state is ConnectionState.LOCAL_CLOSING

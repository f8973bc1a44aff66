"""Server-to-client WebSocket text frames, encoded without a per-frame wsproto round.

A server frame is never masked, and /ertc negotiates no extension (the endpoint strips
permessage-deflate), so a frame is a two-to-ten-byte header and the UTF-8 text. This is what
wsproto's `send(TextMessage(...))` produces, in half the time; wsproto still owns the state.
"""

import struct
from typing import Any

import orjson

from counsel.ertc.transport.internals import ConnectionState, LocalProtocolError

FIN_TEXT = 0x81


def text_frame(payload: bytes) -> bytes:
    """One final, unmasked text frame around UTF-8 text."""
    size = len(payload)
    if size < 126:
        return bytes((FIN_TEXT, size)) + payload
    if size < 65536:
        return struct.pack("!BBH", FIN_TEXT, 126, size) + payload
    return struct.pack("!BBQ", FIN_TEXT, 127, size) + payload


def encode(frames: list[dict[str, Any]], state: ConnectionState) -> bytes:
    """The wire bytes of these frames; refused, like wsproto, once the socket is closing."""
    if state is not ConnectionState.OPEN:
        raise LocalProtocolError(f"cannot send data in state {state}")
    return b"".join(text_frame(orjson.dumps(frame)) for frame in frames)

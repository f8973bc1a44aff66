"""The /ertc transport: sockets, frames, pings and flood limits; nothing about sessions.

The only code that imports simple-websocket or wsproto (their internals: internals.py).
"""

from typing import Any

from counsel.ertc.transport.greenio import IdleThread, NoEvent


def server_options(ping_interval: float, max_frame_bytes: int) -> dict[str, Any]:
    """flask-sock's SOCK_SERVER_OPTIONS: the route's greenlet reads (reader.py), no thread."""
    return {
        "ping_interval": ping_interval,
        "max_message_size": max_frame_bytes,
        "thread_class": IdleThread,
        "event_class": NoEvent,
    }

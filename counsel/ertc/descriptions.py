"""How the admin's transcript describes each type of ledger entry, as one plain-text line.

The registry (registry.py) names one of these per message type; counsel/records/transcript.py
reaches them through `counsel.ertc.describe`. The template escapes what they return.
"""

from typing import Any

from counsel.web.display import filesize


def _on_off(value: Any) -> str:
    return "on" if value is True else "off"


def text(payload: dict) -> str:
    """A chat line: its text."""
    return str(payload.get("text", ""))


def camera(payload: dict) -> str:
    """Camera and microphone state."""
    return f"camera {_on_off(payload.get('video'))}, microphone {_on_off(payload.get('audio'))}"


def shared_file(payload: dict) -> str:
    """A shared file: its name, size and type."""
    name = payload.get("name", "(no name)")
    return f"shared {name} ({filesize(payload.get('size'))}, {payload.get('mime', 'unknown type')})"


def ending(payload: dict) -> str:
    """The end of the session, with its reason."""
    reason = payload.get("reason")
    return f"ended the session: {reason}" if reason else "ended the session"


def system(payload: dict) -> str:
    """A server notice: its event, role and reason."""
    parts = (f"{key}: {payload[key]}" for key in ("event", "role", "reason") if payload.get(key))
    return " · ".join(parts)


def signal(payload: dict) -> str:
    """An offer, answer or candidate (never stored; described should one ever be)."""
    return "connection setup"

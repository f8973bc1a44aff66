"""How the admin's transcript describes each type of ledger entry, as one plain-text line.

The registry (registry.py) names one of these per message type; counsel/records/transcript.py
reaches them through `counsel.ertc.describe`. The template escapes what they return.
"""

from typing import Any

from flask_babel import gettext as _

from counsel.web.display import filesize


def _on_off(value: Any) -> str:
    return _("on") if value is True else _("off")


def text(payload: dict) -> str:
    """A chat line: its text."""
    return str(payload.get("text", ""))


def camera(payload: dict) -> str:
    """Camera and microphone state."""
    return _(
        "camera %(video)s, microphone %(audio)s",
        video=_on_off(payload.get("video")),
        audio=_on_off(payload.get("audio")),
    )


def shared_file(payload: dict) -> str:
    """A shared file: its name, size and type."""
    return _(
        "shared %(name)s (%(size)s, %(mime)s)",
        name=payload.get("name", _("(no name)")),
        size=filesize(payload.get("size")),
        mime=payload.get("mime", _("unknown type")),
    )


def ending(payload: dict) -> str:
    """The end of the session, with its reason."""
    reason = payload.get("reason")
    return _("ended the session: %(reason)s", reason=reason) if reason else _("ended the session")


def system(payload: dict) -> str:
    """A server notice: its event, role and reason."""
    parts = (f"{key}: {payload[key]}" for key in ("event", "role", "reason") if payload.get(key))
    return " · ".join(parts)


def signal(payload: dict) -> str:
    """An offer, answer or candidate (never stored; described should one ever be)."""
    return _("connection setup")

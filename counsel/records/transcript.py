"""A session's ledger as plain-text lines for the admin review (the template escapes them)."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from counsel.models import CounselingSession, LedgerEntry
from counsel.web.display import display_name, filesize


@dataclass(frozen=True)
class Line:
    """One ledger entry, described for people."""

    seq: int
    at: datetime
    actor: str
    type: str
    text: str
    file_id: int | None = None


def _on_off(value: Any) -> str:
    return _("on") if value is True else _("off")


def _text(payload: dict) -> str:
    return str(payload.get("text", ""))


def _camera(payload: dict) -> str:
    return _(
        "camera %(video)s, microphone %(audio)s",
        video=_on_off(payload.get("video")),
        audio=_on_off(payload.get("audio")),
    )


def _file(payload: dict) -> str:
    name = payload.get("name", _("(no name)"))
    mime = payload.get("mime", _("unknown type"))
    return _(
        "shared %(name)s (%(size)s, %(mime)s)",
        name=name,
        size=filesize(payload.get("size")),
        mime=mime,
    )


def _end(payload: dict) -> str:
    reason = payload.get("reason")
    return _("ended the session: %(reason)s", reason=reason) if reason else _("ended the session")


def _system(payload: dict) -> str:
    parts = (f"{key}: {payload[key]}" for key in ("event", "role", "reason") if payload.get(key))
    return " · ".join(parts)


DESCRIBE: dict[str, Callable[[dict], str]] = {
    "TXT": _text,
    "CAM": _camera,
    "FILE": _file,
    "END": _end,
    "SYS": _system,
}


def _actor(entry: LedgerEntry, session: CounselingSession) -> str:
    if entry.actor == "member":
        return _("%(name)s (member)", name=session.member.name)
    if entry.actor == "expert":
        return _("%(name)s (expert)", name=display_name(session.expert))
    return entry.actor


def _file_id(entry: LedgerEntry, payload: dict) -> int | None:
    file_id = payload.get("file_id")
    return file_id if entry.type == "FILE" and type(file_id) is int else None


def line(entry: LedgerEntry, session: CounselingSession) -> Line:
    """Describe one entry; an unknown type shows its payload as JSON text."""
    payload = entry.payload if isinstance(entry.payload, dict) else {}
    describe = DESCRIBE.get(entry.type)
    text = describe(payload) if describe else json.dumps(payload, sort_keys=True)
    return Line(
        entry.seq,
        entry.created_at,
        _actor(entry, session),
        entry.type,
        text,
        _file_id(entry, payload),
    )


def lines(entries: list[LedgerEntry], session: CounselingSession) -> list[Line]:
    """Describe the whole ledger, in the order given."""
    return [line(entry, session) for entry in entries]

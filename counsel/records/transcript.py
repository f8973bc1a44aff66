"""A session's ledger as plain-text lines for the admin review (the template escapes them)."""

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from counsel import ertc
from counsel.ertc.protocol import FILE
from counsel.models import CounselingSession, LedgerEntry
from counsel.web.display import display_name


@dataclass(frozen=True)
class Line:
    """One ledger entry, described for people."""

    seq: int
    at: datetime
    actor: str
    type: str
    text: str
    file_id: int | None = None


def _actor(entry: LedgerEntry, session: CounselingSession) -> str:
    if entry.actor == "member":
        return _("%(name)s (member)", name=session.member.name)
    if entry.actor == "expert":
        return _("%(name)s (expert)", name=display_name(session.expert))
    return entry.actor


def _file_id(entry: LedgerEntry, payload: dict) -> int | None:
    file_id = payload.get("file_id")
    return file_id if entry.type == FILE and type(file_id) is int else None


def line(entry: LedgerEntry, session: CounselingSession) -> Line:
    """Describe one entry; an unknown type shows its payload as JSON text."""
    payload = entry.payload if isinstance(entry.payload, dict) else {}
    text = ertc.describe(entry.type, payload)  # the message registry's description of the type
    if text is None:
        text = json.dumps(payload, sort_keys=True)
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

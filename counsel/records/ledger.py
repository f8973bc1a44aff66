"""The session ledger: every persisted room event, numbered by a per-session `seq`.

An entry is committed before anyone is sent it: `append` is the service and owns its unit of
work (counsel/uow.py), so it refuses to run inside another one that would commit later. `seq`
comes from one atomic `UPDATE ... SET last_seq = last_seq + 1 ... RETURNING last_seq` in the
same transaction as the insert, so two writers can never take the same number and a failed
write leaves no gap used.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from counsel.ertc.protocol import TXT
from counsel.extensions import db
from counsel.models import ROOM_OPEN_STATUSES, CounselingSession, LedgerEntry, as_utc, utcnow
from counsel.uow import in_unit_of_work, unit_of_work

SERVER = "server"


class NotSaved(Exception):
    """The database could not store the entry; nothing was written."""


class SessionClosed(Exception):
    """The session is no longer accepted or live; nothing was written."""


def timestamp(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds, the same for a fresh entry and a replayed one."""
    return as_utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_wire(entry: LedgerEntry) -> dict[str, Any]:
    """An entry as the protocol sends it: type, from, seq, ts, then the payload fields."""
    wire = {
        "type": entry.type,
        "from": entry.actor,
        "seq": entry.seq,
        "ts": timestamp(entry.created_at),
        **(entry.payload or {}),
    }
    if entry.client_id is not None:
        wire["client_id"] = entry.client_id
    return wire


def _next_seq(session_id: int) -> int:
    """Take the next seq of an open session, inside the current transaction."""
    seq = db.session.scalar(
        update(CounselingSession)
        .where(CounselingSession.id == session_id, CounselingSession.status.in_(ROOM_OPEN_STATUSES))
        .values(last_seq=CounselingSession.last_seq + 1)
        .returning(CounselingSession.last_seq)
        .execution_options(synchronize_session=False)
    )
    if seq is None:
        raise SessionClosed(f"session {session_id} is not open")
    return seq


def _values(
    session_id: int,
    actor: str,
    type_: str,
    payload: dict,
    user_id: int | None,
    client_id: str | None,
) -> dict[str, Any]:
    """The columns of a new entry, with the next seq (inside the current transaction)."""
    return {
        "session_id": session_id,
        "seq": _next_seq(session_id),
        "actor": actor,
        "actor_user_id": user_id,
        "type": type_,
        "payload": payload,
        "client_id": client_id,
        "created_at": utcnow(),
    }


def stage(
    session_id: int,
    actor: str,
    type_: str,
    payload: dict,
    *,
    user_id: int | None = None,
    client_id: str | None = None,
) -> LedgerEntry:
    """Add an entry to the current transaction without committing (the caller commits)."""
    entry = LedgerEntry(**_values(session_id, actor, type_, payload, user_id, client_id))
    db.session.add(entry)
    db.session.flush()
    return entry


def append(
    session_id: int,
    actor: str,
    type_: str,
    payload: dict,
    *,
    user_id: int | None = None,
    client_id: str | None = None,
    also: Callable[[], object] | None = None,
) -> dict[str, Any]:
    """Commit one entry (and what `also` writes, in the same transaction); its wire form.

    Raises NotSaved or SessionClosed. Three statements (seq, insert, commit); the wire form is
    built from the values, as an ORM object would be flushed and then reloaded after the commit
    expired it.
    """
    _must_commit_now()
    try:
        with unit_of_work() as session:
            values = _values(session_id, actor, type_, payload, user_id, client_id)
            session.execute(insert(LedgerEntry).values(**values))
            if also is not None:
                also()
    except SQLAlchemyError as error:  # rolled back by the unit of work, seq included
        raise NotSaved(type(error).__name__) from error
    return to_wire(LedgerEntry(**values))


def _must_commit_now() -> None:
    """Refuse to run inside another unit of work: it would delay the commit past the send."""
    if in_unit_of_work():
        raise RuntimeError("ledger.append commits its entry itself; call it outside unit_of_work()")


def find_txt(session_id: int, actor: str, client_id: str) -> dict[str, Any] | None:
    """The TXT this sender already stored under this client_id, if any."""
    entry = db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.session_id == session_id,
            LedgerEntry.actor == actor,
            LedgerEntry.client_id == client_id,
        )
    )
    return to_wire(entry) if entry is not None else None


def append_txt(
    session_id: int, actor: str, user_id: int, text: str, client_id: str
) -> tuple[dict[str, Any], bool]:
    """Store a chat line once per (sender, client_id): (wire entry, True when new).

    The insert comes first and the unique (session_id, actor, client_id) constraint decides:
    a repeat (rare: a resend after a lost ack) rolls back, seq included, and reads the original.
    """
    try:
        return append(
            session_id, actor, TXT, {"text": text}, user_id=user_id, client_id=client_id
        ), True
    except NotSaved as error:
        if not isinstance(error.__cause__, IntegrityError):
            raise
        return _original(session_id, actor, client_id, error), False


def _original(session_id: int, actor: str, client_id: str, error: Exception) -> dict[str, Any]:
    """The entry stored first under this client_id (by this socket earlier, or another)."""
    try:
        existing = find_txt(session_id, actor, client_id)
    except SQLAlchemyError as failure:
        raise NotSaved(type(failure).__name__) from failure
    finally:
        db.session.rollback()
    if existing is None:
        raise NotSaved("integrity") from error
    return existing


def entries_after(session_id: int, after: int) -> list[dict[str, Any]]:
    """Every persisted entry of a session with seq > after, in order, in wire form."""
    rows = db.session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.session_id == session_id, LedgerEntry.seq > after)
        .order_by(LedgerEntry.seq)
    )
    return [to_wire(entry) for entry in rows]


def last_seq(session_id: int) -> int:
    """The highest seq given out in this session."""
    return (
        db.session.scalar(
            select(CounselingSession.last_seq).where(CounselingSession.id == session_id)
        )
        or 0
    )

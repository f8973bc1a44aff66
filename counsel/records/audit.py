"""The audit trail: logins, denied accesses and admin reads, with who, what, result, where.

Two ways to write an event, by what it records:

- `record()` writes the event at once in its own short transaction, on a connection of its
  own, whatever the caller's transaction does afterwards. For events that must stay even
  though the request then fails or writes nothing: denied accesses (before a 403/404 abort),
  logins and refused logins, refused uploads, admin reads. It never commits the caller's
  pending writes. Call it before the caller's transaction writes, as every denial does: on
  SQLite its connection would wait for the caller's write lock.
- `stage()` adds the event to the caller's `unit_of_work()`: it is committed together with the
  action it describes, or rolled back with it, so no action that failed is ever on record as
  done. For successful actions (an expert created, a user disabled, a file stored, a logout).
"""

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from counsel.extensions import db
from counsel.models import AuditEvent
from counsel.uow import in_unit_of_work


def _address() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def _current_user_id() -> int | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def _event(action: str, result: str, target: str, user_id: int | None, subject: str) -> AuditEvent:
    """A new audit row; the user defaults to whoever is logged in."""
    return AuditEvent(
        action=action,
        result=result,
        target=target[:200],
        user_id=user_id if user_id is not None else _current_user_id(),
        address=_address(),
        subject=subject[:254],
    )


def record(
    action: str, result: str, target: str = "", *, user_id: int | None = None, subject: str = ""
) -> None:
    """Store one audit event now, in its own transaction (denials, logins, reads)."""
    event = _event(action, result, target, user_id, subject)
    with Session(db.engine) as session, session.begin():
        session.add(event)


def stage(
    action: str, result: str, target: str = "", *, user_id: int | None = None, subject: str = ""
) -> None:
    """Add one audit event to the caller's unit of work: committed with the action or not at all."""
    if not in_unit_of_work():
        # Outside a unit nothing would commit it, or something unrelated would: refuse.
        raise RuntimeError("audit.stage() needs the caller's unit_of_work()")
    event = _event(action, result, target, user_id, subject)
    with db.session.no_autoflush:
        db.session.add(event)

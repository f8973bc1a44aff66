"""The audit trail: logins, denied accesses and admin reads, with who, what, result, where."""

from flask import has_request_context, request
from flask_login import current_user

from counsel.extensions import db
from counsel.models import AuditEvent


def _address() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def _current_user_id() -> int | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def record(
    action: str, result: str, target: str = "", *, user_id: int | None = None, subject: str = ""
) -> None:
    """Store one audit event in its own transaction."""
    event = AuditEvent(
        action=action,
        result=result,
        target=target[:200],
        user_id=user_id if user_id is not None else _current_user_id(),
        address=_address(),
        subject=subject[:254],
    )
    with db.session.no_autoflush:
        db.session.add(event)
    db.session.commit()

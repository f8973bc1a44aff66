"""Who may see what: session lookups that answer 404 or 403 and audit the refusals."""

from typing import NoReturn

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from counsel.extensions import db
from counsel.models import CounselingSession, Role
from counsel.records import audit


def session_or_404(session_id: int) -> CounselingSession:
    """The session, or 404."""
    session = db.session.get(CounselingSession, session_id)
    if session is None:
        abort(404, _("No such session."))
    return session


def deny(target: str, message: str | None = None) -> NoReturn:
    """Audit a refused access and answer 403."""
    audit.record("access", "denied", target)
    abort(403, message or _("You do not have access to this."))


def participant_session(session_id: int) -> tuple[CounselingSession, Role]:
    """The session and the current user's role in it; 403 for anyone else, admins included."""
    session = session_or_404(session_id)
    role = session.role_of(current_user.id)
    if role is None:
        deny(f"session:{session_id}")
    return session, role


def viewable_session(session_id: int) -> CounselingSession:
    """The session, for its two participants or an admin."""
    session = session_or_404(session_id)
    if current_user.role is not Role.ADMIN and session.role_of(current_user.id) is None:
        deny(f"session:{session_id}")
    return session


def require_role(role: Role) -> None:
    """403 unless the current user has this role."""
    if current_user.role is not role:
        deny(f"role:{role}", _("This page is not for your account."))

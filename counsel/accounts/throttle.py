"""Login throttling from the audit trail: per account and per address, across workers."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from counsel.extensions import db
from counsel.models import AuditEvent, utcnow


def is_throttled(subject: str, address: str) -> bool:
    """True when this account or this address failed too many logins recently."""
    window = timedelta(seconds=current_app.config["LOGIN_THROTTLE_SECONDS"])
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "login",
        AuditEvent.result == "failure",
        AuditEvent.at >= utcnow() - window,
        or_(AuditEvent.subject == subject, AuditEvent.address == address),
    )
    return (db.session.scalar(query) or 0) >= current_app.config["LOGIN_FAILURES_ALLOWED"]

"""Helpers for HTTP tests of the dashboards and admin pages: tokens, posts, database state."""

from flask import Flask

from counsel.extensions import db
from counsel.models import CounselingSession, StatusChange, User
from tests.helpers.forms import csrf_token


def post(client, path: str, token: str | None = None, **data):
    """POST a form the way the page would, with this client's own token unless one is given."""
    data["csrf_token"] = csrf_token(client, "/") if token is None else token
    return client.post(path, data=data)


def snapshot(app: Flask) -> tuple:
    """Everything a refused action must leave alone: sessions, their history, users."""
    with app.app_context():
        sessions = db.session.execute(
            db.select(
                CounselingSession.id, CounselingSession.status, CounselingSession.accepted_at
            ).order_by(CounselingSession.id)
        ).all()
        history = db.session.scalar(db.select(db.func.count(StatusChange.id)))
        users = db.session.execute(
            db.select(User.id, User.active, User.login_token).order_by(User.id)
        ).all()
        return tuple(sessions), history, tuple(users)


def load(app: Flask, model, ident: int):
    """A fresh copy of one row, detached from the app context."""
    with app.app_context():
        row = db.session.get(model, ident)
        if row is not None:
            db.session.expunge(row)
        return row

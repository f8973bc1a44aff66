"""Registering through the form, and the accounts that exist afterwards."""

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from counsel.extensions import db
from counsel.models import User
from tests.helpers.forms import csrf_token

GOOD = {"name": "Nia Newcomer", "email": "nia@example.com", "password": "a long password"}


def register(client: FlaskClient, **fields: str):
    """Submit the registration form with GOOD values, some replaced."""
    data = {**GOOD, "csrf_token": csrf_token(client, "/register"), **fields}
    return client.post("/register", data=data)


def accounts(app: Flask) -> list[User]:
    """Every account in the database, oldest first, detached from the session."""
    with app.app_context():
        found = db.session.scalars(select(User).order_by(User.id)).all()
        db.session.expunge_all()
        return list(found)

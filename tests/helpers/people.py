"""Test people: the shared password (hashed once) and the accounts the live suites log in."""

from dataclasses import dataclass

from flask import Flask

from counsel.accounts.passwords import hash_password
from counsel.extensions import db
from counsel.models import Role, User

PASSWORD = "correct horse battery"
# Hashing with Argon2 is deliberately slow; tests share one hash.
PASSWORD_HASH = hash_password(PASSWORD)


@dataclass
class Account:
    """A saved user of a live server and the Cookie header of its login there."""

    id: int
    email: str
    role: Role
    cookie: str = ""


def add_user(app: Flask, role: Role, email: str) -> Account:
    """A user with the shared test password, saved to the shared database."""
    with app.app_context():
        user = User(email=email, name=email.split("@")[0], role=role, password_hash=PASSWORD_HASH)
        db.session.add(user)
        db.session.commit()
        return Account(user.id, email, role)

"""Seed Counsel's database with N accepted sessions and sign a login cookie for each person.

Logging 8000 people in through the form would take minutes of Argon2; instead every user gets one
precomputed hash, rows go in with bulk inserts, and the cookies are signed the way Flask-Login's
`login_user` would have left them, with the server's own COUNSEL_SECRET_KEY.
"""

import json
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from flask import Flask
from flask_login.utils import _create_identifier
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.wire import USER_AGENT
from counsel import create_app
from counsel.accounts.lifetime import LOGIN_AT, SEEN_AT
from counsel.accounts.passwords import hash_password
from counsel.extensions import db
from counsel.models import CounselingSession, Role, Status, User

ROOT = Path(__file__).resolve().parent.parent


def _maintenance(url: str, *statements: str) -> None:
    """Run statements on the server's maintenance database ({name} is the target database)."""
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.format(name=target.database))


def fresh_postgres(url: str) -> None:
    """Drop and recreate the benchmark's own PostgreSQL database."""
    _maintenance(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', 'CREATE DATABASE "{name}"')


def drop_postgres(url: str) -> None:
    """Drop the benchmark's database after its run."""
    _maintenance(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(env: dict[str, str]) -> None:
    """Create the schema the way an operator does: `flask --app app db upgrade`."""
    command = [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def _insert_users(prefix: str, role: Role, count: int, password_hash: str) -> list[tuple]:
    now = datetime.now(UTC)
    rows = [
        {
            "email": f"{prefix}-{role.value}-{index}@counsel.test",
            "name": f"Bench {index}",
            "role": role,
            "password_hash": password_hash,
            "active": True,
            "login_token": secrets.token_urlsafe(16),
            "created_at": now,
        }
        for index in range(count)
    ]
    statement = insert(User).returning(User.id, User.login_token, sort_by_parameter_order=True)
    return [tuple(row) for row in db.session.execute(statement, rows)]


def _insert_sessions(members: list[tuple], experts: list[tuple]) -> list[int]:
    now = datetime.now(UTC)
    rows = [
        {
            "member_id": member[0],
            "expert_id": expert[0],
            "topic": "Benchmark",
            "status": Status.ACCEPTED,
            "accepted_at": now,
            "created_at": now,
            "last_seq": 0,
            "member_joined": False,
            "expert_joined": False,
        }
        for member, expert in zip(members, experts, strict=True)
    ]
    statement = insert(CounselingSession).returning(
        CounselingSession.id, sort_by_parameter_order=True
    )
    return [row[0] for row in db.session.execute(statement, rows)]


def _cookie_signer(app: Flask):
    """A function (user id, login token) -> session cookie value, as login_user leaves it."""
    serializer = app.session_interface.get_signing_serializer(app)
    headers = {"User-Agent": USER_AGENT}
    with app.test_request_context("/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()

    def sign(user: tuple) -> str:
        now = int(time.time())  # the login lifetime's stamps (counsel/accounts/lifetime.py)
        return serializer.dumps(
            {
                "_user_id": f"{user[0]}:{user[1]}",
                "_fresh": True,
                "_id": identifier,
                LOGIN_AT: now,
                SEEN_AT: now,
            }
        )

    return sign


def seed(database_url: str, secret_key: str, rooms: int, prefix: str) -> dict:
    """Insert `rooms` accepted sessions; return {"cookie_name", "rooms": [[id, [m, e]], ...]}."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret_key})
    password_hash = hash_password(secrets.token_urlsafe(12))
    with app.app_context():
        members = _insert_users(prefix, Role.MEMBER, rooms, password_hash)
        experts = _insert_users(prefix, Role.EXPERT, rooms, password_hash)
        sessions = _insert_sessions(members, experts)
        db.session.commit()
        db.engine.dispose()
    sign = _cookie_signer(app)
    specs = [
        [session_id, [sign(member), sign(expert)]]
        for session_id, member, expert in zip(sessions, members, experts, strict=True)
    ]
    return {"cookie_name": app.config["SESSION_COOKIE_NAME"], "rooms": specs}


def write_rooms(path: Path, seeded: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(seeded))
    return path

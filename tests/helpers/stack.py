"""The live server(s) of the /ertc tests, on a database this process also reads.

Two topologies: one gunicorn server on a SQLite file (in-process relay), and two servers on
one PostgreSQL database and one Redis, where the member's socket is on one server and the
expert's on the other (so everything between them crosses Redis).
"""

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from counsel.extensions import db
from counsel.models import LedgerEntry
from tests.helpers.apps import make_app
from tests.helpers.live import LiveServer
from tests.helpers.services import fresh_postgres_database
from tests.helpers.topology import drop_keys, new_prefix, redis_env, servers


@dataclass
class Stack:
    """The live server(s) and the in-process app on the same database."""

    server: LiveServer  # everyone's, or the member's when there are two
    app: Any
    expert_server: LiveServer | None = None

    @property
    def origin(self) -> str:
        return self.server.url

    def server_of(self, role: str) -> LiveServer:
        """The server a person of this role connects to."""
        return self.expert_server if role == "expert" and self.expert_server else self.server

    def elsewhere(self, role: str) -> LiveServer:
        """The server this role does not use (the same one when there is only one)."""
        other = "member" if role == "expert" else "expert"
        return self.server_of(other)

    @property
    def on_sqlite(self) -> bool:
        return self.app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


TOPOLOGIES = [
    "one-server",
    pytest.param("two-servers", marks=[pytest.mark.redis, pytest.mark.postgres]),
]


def server_for(app: Flask, log_path: Path, **env: str) -> LiveServer:
    """A gunicorn server on the app's database file, with the tests' secret key."""
    folder = log_path.parent
    return LiveServer(
        {
            "COUNSEL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "COUNSEL_SECRET_KEY": "ertc-test-secret",
            "COUNSEL_UPLOAD_DIR": str(folder / "uploads"),
            "COUNSEL_SQLITE_BUSY_TIMEOUT_MS": "1000",
            # The same people reconnect in every test; tests/ws/test_join_rate.py sets a limit.
            "COUNSEL_ERTC_JOINS_PER_MINUTE": "0",
            "COUNSEL_ERTC_JOINS_PER_ADDRESS": "0",
            **env,
        },
        log_path=log_path,
    )


@contextlib.contextmanager
def two_server_stack(postgres, redis_url: str, prefix: str, folder: Path) -> Iterator[Stack]:
    """The member's and the expert's server (one worker each) on a fresh PostgreSQL database
    and one Redis."""
    env = {
        **redis_env(redis_url, prefix),
        "COUNSEL_WORKERS": "1",
        "COUNSEL_DB_LOCK_TIMEOUT_MS": "1000",
    }
    with fresh_postgres_database(postgres) as url:
        app = make_app(url, folder)
        make = lambda n: server_for(app, folder / f"server-{n}.log", **env)  # noqa: E731
        try:
            with servers(make, 2) as (member_side, expert_side):
                yield Stack(member_side, app, expert_side)
        finally:
            with app.app_context():
                db.engine.dispose()


def two_servers(request: pytest.FixtureRequest, folder: Path) -> Iterator[Stack]:
    """The two-server topology on the machine's Redis, under a prefix of its own."""
    redis_url = request.getfixturevalue("redis_server_url")
    prefix = new_prefix()
    postgres = request.getfixturevalue("postgres_server")
    with two_server_stack(postgres, redis_url, prefix, folder) as stack:
        yield stack
    drop_keys(redis_url, prefix)


def one_server(folder: Path) -> Iterator[Stack]:
    """One gunicorn server on a fresh SQLite file, with the in-process relay."""
    app = make_app(f"sqlite:///{folder / 'ertc.db'}", folder)
    server = server_for(app, folder / "server.log").start()
    yield Stack(server, app)
    server.stop()
    with app.app_context():
        db.engine.dispose()


def ledger_rows(stack: Stack, session_id: int) -> list[LedgerEntry]:
    """The session's persisted ledger, in seq order, detached from the app context."""
    with stack.app.app_context():
        rows = db.session.scalars(
            db.select(LedgerEntry)
            .where(LedgerEntry.session_id == session_id)
            .order_by(LedgerEntry.seq)
        ).all()
        db.session.expunge_all()
        return list(rows)


def hold_write_lock(stack: Stack, session_id: int, seconds: float, held: threading.Event) -> None:
    """Keep the database's write lock from another connection, like a stuck writer would:
    SQLite's whole-file lock, or on PostgreSQL the session's row (every ledger write takes it).
    """
    url = stack.app.config["SQLALCHEMY_DATABASE_URI"]
    if stack.on_sqlite:
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        lock = "SELECT id FROM counseling_sessions WHERE id = :id FOR UPDATE"
        connection.execute(text(lock), {"id": session_id})
        held.set()
        time.sleep(seconds)
        connection.rollback()
    engine.dispose()

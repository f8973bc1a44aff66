"""The declarative base and database engine tuning (SQLite WAL, immediate write locks)."""

import os

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; the naming convention keeps Alembic diffs stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def busy_timeout_ms() -> int:
    """How long a writer waits for SQLite's lock (COUNSEL_SQLITE_BUSY_TIMEOUT_MS, for tests)."""
    return int(os.environ.get("COUNSEL_SQLITE_BUSY_TIMEOUT_MS", "5000"))


def tune_sqlite(engine: Engine) -> None:
    """Make SQLite safe for concurrent writers: WAL, a busy timeout, write locks taken late.

    The driver's own transaction handling is kept on purpose: reads run outside any
    transaction and a transaction begins at its first write, so it takes the write lock
    before it has read anything. That avoids SQLite's "database is locked" failure for a
    transaction that read first and wrote later, and, under gevent, a greenlet never holds
    the write lock while it waits on the network (SQLite's busy wait blocks the whole worker).
    Every read-then-write rule is a conditional UPDATE or guarded by a unique constraint.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

"""The declarative base and database engine tuning (SQLite WAL, short lock waits, retries)."""

import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

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
# SQLite's own busy wait is a blocking C call: under gevent it freezes every greenlet of the
# worker. So SQLite waits at most this long per try, and the retry loop below sleeps in
# between with time.sleep, which gevent turns into a yield to the other greenlets.
BUSY_SLICE_MS = 10
RETRY_PAUSE_S = 0.01
T = TypeVar("T")


class Base(DeclarativeBase):
    """Base of every model; the naming convention keeps Alembic diffs stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _locked(error: sqlite3.OperationalError) -> bool:
    """True for a lock worth waiting for; a stale read snapshot never frees itself."""
    if getattr(error, "sqlite_errorname", "") == "SQLITE_BUSY_SNAPSHOT":
        return False
    text = str(error)
    return "database is locked" in text or "database table is locked" in text


def retry_locked(budget_ms: int, action: Callable[[], T]) -> T:
    """Run `action`, retrying while SQLite reports a lock, for at most `budget_ms` in all."""
    deadline = time.monotonic() + budget_ms / 1000
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
        time.sleep(RETRY_PAUSE_S)


class RetryingCursor(sqlite3.Cursor):
    """A cursor whose statements retry a lock within the connection's wait budget."""

    def execute(self, sql: str, parameters: Any = (), /) -> "RetryingCursor":
        """Execute, retrying while the database is locked."""
        budget = self.connection.lock_budget_ms  # type: ignore[attr-defined]
        retry_locked(budget, lambda: super(RetryingCursor, self).execute(sql, parameters))
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> "RetryingCursor":
        """Executemany, retrying while the database is locked (rows are materialized once)."""
        rows = list(seq_of_parameters)
        budget = self.connection.lock_budget_ms  # type: ignore[attr-defined]
        retry_locked(budget, lambda: super(RetryingCursor, self).executemany(sql, rows))
        return self


class RetryingConnection(sqlite3.Connection):
    """A connection whose cursors and commits wait for locks without blocking the worker."""

    lock_budget_ms = 5000

    def cursor(self, factory: Any = RetryingCursor) -> sqlite3.Cursor:  # type: ignore[override]
        """A retrying cursor."""
        return super().cursor(factory)

    def commit(self) -> None:
        """Commit, retrying while the database is locked."""
        retry_locked(self.lock_budget_ms, super().commit)


def tune_sqlite(engine: Engine, lock_wait_ms: int = 5000) -> None:
    """Make SQLite safe for concurrent writers: WAL, bounded lock waits, write locks taken late.

    The driver's own transaction handling is kept on purpose: reads run outside any
    transaction and a transaction begins at its first write, so it takes the write lock
    before it has read anything. That avoids SQLite's "database is locked" failure for a
    transaction that read first and wrote later, and, under gevent, a greenlet never holds
    the write lock while it waits on the network. A writer waits for another's lock at most
    `lock_wait_ms` (COUNSEL_SQLITE_BUSY_TIMEOUT_MS), in short slices with yields between.
    Every read-then-write rule is a conditional UPDATE or guarded by a unique constraint.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "do_connect")
    def _retrying(_dialect, _record, _cargs, cparams):
        cparams["factory"] = RetryingConnection

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.lock_budget_ms = lock_wait_ms
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_SLICE_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

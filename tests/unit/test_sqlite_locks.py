"""SQLite lock waits: short slices in SQLite, the rest in Python sleeps that gevent can yield."""

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text

from counsel import db as counsel_db


@pytest.fixture
def engine_for(tmp_path):
    """engine_for(wait_ms) -> a tuned engine on a shared file with one table."""
    path = tmp_path / "locks.db"
    engines = []

    def _make(wait_ms: int):
        engine = create_engine(f"sqlite:///{path}")
        counsel_db.tune_sqlite(engine, wait_ms)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS t (n INTEGER)"))
        engines.append(engine)
        return engine

    yield _make, path
    for engine in engines:
        engine.dispose()


def hold_lock(path) -> sqlite3.Connection:
    """Another process's writer: a connection holding the write lock."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_connections_wait_in_short_slices(engine_for):
    make, _path = engine_for
    with make(1000).connect() as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, counsel_db.RetryingConnection)
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == counsel_db.BUSY_SLICE_MS


def test_a_write_waits_for_the_lock_with_sleeps_then_succeeds(engine_for, monkeypatch):
    make, path = engine_for
    engine = make(5000)
    holder = hold_lock(path)
    sleeps = []
    real_sleep = counsel_db.time.sleep

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 5:
            holder.execute("COMMIT")  # the other writer finishes while we wait
        real_sleep(seconds)

    monkeypatch.setattr(counsel_db.time, "sleep", sleep)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
    assert len(sleeps) >= 5  # waited in Python, where gevent runs the other greenlets
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 1
    holder.close()


def test_a_write_gives_up_after_the_budget_and_stores_nothing(engine_for):
    make, path = engine_for
    engine = make(100)
    holder = hold_lock(path)
    with pytest.raises(Exception, match="database is locked"), engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
    holder.execute("ROLLBACK")
    holder.close()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_the_budget_comes_from_the_app_config(tmp_path):
    from counsel import create_app
    from counsel.extensions import db

    database = f"sqlite:///{tmp_path / 'a.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SQLITE_BUSY_TIMEOUT_MS": 250})
    assert app.config["SQLITE_BUSY_TIMEOUT_MS"] == 250
    with app.app_context(), db.engine.connect() as connection:
        assert connection.connection.dbapi_connection.lock_budget_ms == 250
        db.engine.dispose()


def test_other_errors_are_not_retried(monkeypatch):
    calls = []

    def broken():
        calls.append(1)
        raise sqlite3.OperationalError("no such table: x")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        counsel_db.retry_locked(1000, broken)
    assert calls == [1]


def test_retry_is_thread_safe_enough_for_two_writers(engine_for):
    make, _path = engine_for
    engine = make(5000)
    errors = []

    def write(n: int) -> None:
        try:
            for _ in range(20):
                with engine.begin() as connection:
                    connection.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 40

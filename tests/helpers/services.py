"""PostgreSQL and Redis, the production services, reached by the tests (or skipped without)."""

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

POSTGRES_SERVER_URL = os.environ.get(
    "COUNSEL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"
)
REDIS_TEST_URL = os.environ.get("COUNSEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def service_missing(name: str, error: Exception) -> None:
    """Skip a test whose service is unreachable; under CI that is a failure, never a skip."""
    reason = f"{name} is unreachable ({type(error).__name__}: {error})".strip()
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run every {name} test", pytrace=False)
    pytest.skip(reason)


def reachable_postgres(url: Any, label: str, **options: Any) -> Iterator[Engine]:
    """An AUTOCOMMIT engine that answered a connect (else skip, or fail under CI)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", **options)
    try:
        engine.connect().close()
    except OperationalError as error:
        engine.dispose()
        service_missing(label, error)
    yield engine
    engine.dispose()


@contextlib.contextmanager
def fresh_postgres_database(server: Engine) -> Iterator[str]:
    """The URL of a new, uniquely named PostgreSQL database, dropped afterwards."""
    name = f"counsel_test_{uuid.uuid4().hex[:16]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

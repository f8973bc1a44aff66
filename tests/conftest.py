"""Shared fixtures: an app on a file database, users and sessions made by factories."""

import contextlib
import os
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from counsel import create_app
from counsel.accounts.passwords import hash_password
from counsel.extensions import db as _db
from counsel.models import CounselingSession, ExpertProfile, Role, Status, User

PASSWORD = "correct horse battery"
# Hashing with Argon2 is deliberately slow; tests share one hash.
PASSWORD_HASH = hash_password(PASSWORD)
CSRF_PATTERN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def make_app(database_url: str, tmp_path, **overrides):
    """An app with a fresh schema, CSRF on, uploads in tmp_path."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        _db.create_all()
    return app


@pytest.fixture
def app(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'test.db'}", tmp_path)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def create_user(app) -> Callable[..., User]:
    """Factory: create_user(role, name=None) -> a saved User with the shared PASSWORD."""
    counter = iter(range(1, 10_000))

    def _create(role: Role | str = Role.MEMBER, name: str | None = None, **fields) -> User:
        n = next(counter)
        role = Role(role)
        with app.app_context():
            user = User(
                email=f"{role}{n}@example.test",
                name=name or f"{role.title()} {n}",
                role=role,
                password_hash=PASSWORD_HASH,
                **fields,
            )
            if role is Role.EXPERT:
                user.profile = ExpertProfile(display_name=user.name, specialty="Listening")
            _db.session.add(user)
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    return _create


@pytest.fixture
def member(create_user):
    return create_user(Role.MEMBER, "Mia Member")


@pytest.fixture
def other_member(create_user):
    return create_user(Role.MEMBER, "Max Member")


@pytest.fixture
def expert(create_user):
    return create_user(Role.EXPERT, "Erin Expert")


@pytest.fixture
def other_expert(create_user):
    return create_user(Role.EXPERT, "Sam Sage")


@pytest.fixture
def admin(create_user):
    return create_user(Role.ADMIN, "Ada Admin")


@pytest.fixture
def create_session(app) -> Callable[..., CounselingSession]:
    """Factory: create_session(member, expert, status=ACCEPTED) -> a saved session."""

    def _create(
        member: User,
        expert: User,
        status: Status | str = Status.ACCEPTED,
        topic: str = "Feeling stuck",
    ) -> CounselingSession:
        with app.app_context():
            session = CounselingSession(
                member_id=member.id, expert_id=expert.id, topic=topic, status=Status(status)
            )
            _db.session.add(session)
            _db.session.commit()
            _db.session.refresh(session)
            _db.session.expunge(session)
            return session

    return _create


def csrf_token(client, path: str = "/login") -> str:
    """Scrape a CSRF token for this client's session from a page."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    assert match, f"no csrf token on {path}"
    return match.group(1)


def login(client, user: User, password: str = PASSWORD):
    """Log a test client in through the real form."""
    response = client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login_as(client):
    """login_as(user) logs the shared test client in and returns it."""

    def _login(user: User):
        login(client, user)
        return client

    return _login


# --- PostgreSQL and Redis: the production services, tested here too ----------------------------

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


def pytest_collection_modifyitems(items) -> None:
    """Tests that use the PostgreSQL or Redis fixtures carry their marker, for `-m`."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "pg_url" in names or "postgres_server" in names:
            item.add_marker(pytest.mark.postgres)
        if {"redis_url", "redis_server_url", "private_redis"} & set(names):
            item.add_marker(pytest.mark.redis)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the server's maintenance database, for CREATE/DROP DATABASE."""
    url = make_url(POSTGRES_SERVER_URL)
    yield from reachable_postgres(
        url if url.database else url.set(database="postgres"),
        "PostgreSQL",
        connect_args={"connect_timeout": 3},
    )


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


@pytest.fixture
def pg_url(postgres_server: Engine) -> Iterator[str]:
    """The URL of a fresh, uniquely named PostgreSQL database, dropped afterwards."""
    with fresh_postgres_database(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """Each test using it runs twice: on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_app(database_url, tmp_path):
    """Like `app`, on SQLite and on PostgreSQL in turn (for data-layer tests)."""
    app = make_app(database_url, tmp_path)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(scope="session")
def redis_server_url() -> str:
    """The test Redis server's URL (COUNSEL_TEST_REDIS_URL), once it answers a PING."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing("Redis", error)
    finally:
        client.close()
    return REDIS_TEST_URL


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """The test Redis server's URL; tests keep apart by a key prefix of their own."""
    return redis_server_url

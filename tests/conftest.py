"""Shared fixtures: an app on a file database, users and sessions made by factories."""

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine, make_url

from counsel.extensions import db as _db
from counsel.models import CounselingSession, ExpertProfile, Role, Status, User
from tests.helpers.apps import make_app
from tests.helpers.forms import login
from tests.helpers.people import PASSWORD_HASH
from tests.helpers.services import (
    POSTGRES_SERVER_URL,
    REDIS_TEST_URL,
    fresh_postgres_database,
    reachable_postgres,
    service_missing,
)

# The /ertc room fixtures (people, new_session, connect, pair) serve tests/ws and tests/multi,
# each on the `stack` its own conftest defines.
pytest_plugins = ["tests.helpers.room_fixtures"]


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


@pytest.fixture
def login_as(client):
    """login_as(user) logs the shared test client in and returns it."""

    def _login(user: User):
        login(client, user)
        return client

    return _login


# --- PostgreSQL and Redis: the production services, tested here too ----------------------------


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

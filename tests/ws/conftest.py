"""The live servers for the /ertc tests, on a database this process also reads.

Every test runs on two topologies: one gunicorn server on a SQLite file (in-process relay),
and two servers on one PostgreSQL database and one Redis, where the member's socket is on one
server and the expert's on the other (so everything between them crosses Redis).
Users are created once and logged in once over HTTP; each test makes its own sessions, so
tests never share a seat.
"""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, LedgerEntry, Role, Status, User
from tests.conftest import PASSWORD_HASH, fresh_postgres_database, make_app
from tests.helpers.live import LiveServer
from tests.multi.topology import drop_keys, new_prefix, redis_env, servers
from tests.ws.client import Peer, login_cookie, open_socket


@dataclass
class Person:
    id: int
    email: str
    role: Role
    cookie: str = ""


@dataclass
class Stack:
    """The live server(s) and the in-process app on the same database."""

    server: LiveServer  # everyone's, or the member's when there are two
    app: object
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


def add_user(app, role: Role, email: str) -> Person:
    """A user with the shared test password, saved to the shared database."""
    with app.app_context():
        user = User(email=email, name=email.split("@")[0], role=role, password_hash=PASSWORD_HASH)
        db.session.add(user)
        db.session.commit()
        return Person(user.id, email, role)


def server_for(app, log_path, **env: str) -> LiveServer:
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
def two_server_stack(postgres, redis_url: str, prefix: str, folder) -> Iterator[Stack]:
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


def two_servers(request, folder):
    """The two-server topology on the machine's Redis, under a prefix of its own."""
    redis_url = request.getfixturevalue("redis_server_url")
    prefix = new_prefix()
    postgres = request.getfixturevalue("postgres_server")
    with two_server_stack(postgres, redis_url, prefix, folder) as stack:
        yield stack
    drop_keys(redis_url, prefix)


TOPOLOGIES = [
    "one-server",
    pytest.param("two-servers", marks=[pytest.mark.redis, pytest.mark.postgres]),
]


@pytest.fixture(scope="package", params=TOPOLOGIES)
def stack(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ertc")
    if request.param == "two-servers":
        yield from two_servers(request, folder)
        return
    app = make_app(f"sqlite:///{folder / 'ertc.db'}", folder)
    server = server_for(app, folder / "server.log").start()
    yield Stack(server, app)
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="package")
def people(stack) -> dict[str, Person]:
    """member, expert, other_member, other_expert, admin: each logged in once."""
    roles = {
        "member": Role.MEMBER,
        "expert": Role.EXPERT,
        "other_member": Role.MEMBER,
        "other_expert": Role.EXPERT,
        "admin": Role.ADMIN,
    }
    found = {}
    for name, role in roles.items():
        person = add_user(stack.app, role, f"{name}@ws.test")
        person.cookie = login_cookie(stack.server.url, person.email)
        found[name] = person
    return found


@pytest.fixture
def new_session(stack, people) -> Callable[..., int]:
    """new_session(status=ACCEPTED, member=None, expert=None) -> the id of a fresh session."""

    def _create(
        status: Status = Status.ACCEPTED, member: Person | None = None, expert: Person | None = None
    ) -> int:
        with stack.app.app_context():
            session = CounselingSession(
                member_id=(member or people["member"]).id,
                expert_id=(expert or people["expert"]).id,
                topic="ws test",
                status=status,
            )
            db.session.add(session)
            db.session.commit()
            return session.id

    return _create


@pytest.fixture
def connect(stack, people) -> Callable[..., Peer]:
    """connect(person_name_or_Person, session_id, after=None, server=None) -> a Peer that has
    its welcome; on the person's own server unless another one is given."""
    opened: list[Peer] = []

    def _connect(
        who: str | Person,
        session_id: int,
        after: int | None = None,
        welcome: bool = True,
        server: LiveServer | None = None,
    ) -> Peer:
        person = people[who] if isinstance(who, str) else who
        server = server or stack.server_of(person.role.value)
        peer = Peer(open_socket(server.ws_url, session_id, person.cookie, server.url, after))
        opened.append(peer)
        if welcome:
            peer.welcome = peer.expect(event="welcome")
        return peer

    yield _connect
    for peer in opened:
        peer.close()


@pytest.fixture
def pair(connect, new_session):
    """(member, expert, session id): both connected, the member has seen the expert join."""
    session_id = new_session()
    member = connect("member", session_id)
    expert = connect("expert", session_id)
    member.expect(event="joined", role="expert")
    return member, expert, session_id


def ledger_rows(stack, session_id) -> list[LedgerEntry]:
    with stack.app.app_context():
        rows = db.session.scalars(
            db.select(LedgerEntry)
            .where(LedgerEntry.session_id == session_id)
            .order_by(LedgerEntry.seq)
        ).all()
        db.session.expunge_all()
        return rows

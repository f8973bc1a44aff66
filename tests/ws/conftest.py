"""One live gunicorn server for all /ertc tests, on a SQLite file this process also reads.

Users are created once and logged in once over HTTP; each test makes its own sessions, so
tests never share a seat.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, LedgerEntry, Role, Status, User
from tests.conftest import PASSWORD_HASH, make_app
from tests.live import LiveServer
from tests.ws.client import Peer, login_cookie, open_socket


@dataclass
class Person:
    id: int
    email: str
    role: Role
    cookie: str = ""


@dataclass
class Stack:
    """The live server and the in-process app on the same database file."""

    server: LiveServer
    app: object

    @property
    def origin(self) -> str:
        return self.server.url


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
            **env,
        },
        log_path=log_path,
    )


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ertc")
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
    """connect(person_name_or_Person, session_id, after=None) -> a Peer that has its welcome."""
    opened: list[Peer] = []

    def _connect(
        who: str | Person, session_id: int, after: int | None = None, welcome: bool = True
    ) -> Peer:
        person = people[who] if isinstance(who, str) else who
        peer = Peer(
            open_socket(stack.server.ws_url, session_id, person.cookie, stack.origin, after)
        )
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

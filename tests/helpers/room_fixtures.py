"""The /ertc room fixtures, registered once by the root conftest (`pytest_plugins`).

They run on whatever `stack` the requesting test's conftest defines: tests/ws/conftest.py
(one server, then two servers) or tests/multi/conftest.py (two servers, a private Redis).
Users are created once and logged in once over HTTP; each test makes its own sessions, so
tests never share a seat.
"""

from collections.abc import Callable, Iterator

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, Role, Status
from tests.helpers.live import LiveServer
from tests.helpers.people import Account, add_user
from tests.helpers.stack import Stack
from tests.helpers.wsclient import Peer, login_cookie, open_socket

ROLES = {
    "member": Role.MEMBER,
    "expert": Role.EXPERT,
    "other_member": Role.MEMBER,
    "other_expert": Role.EXPERT,
    "admin": Role.ADMIN,
}


@pytest.fixture(scope="package")
def people(stack: Stack) -> dict[str, Account]:
    """member, expert, other_member, other_expert, admin: each logged in once."""
    found = {}
    for name, role in ROLES.items():
        person = add_user(stack.app, role, f"{name}@ws.test")
        person.cookie = login_cookie(stack.server.url, person.email)
        found[name] = person
    return found


@pytest.fixture
def new_session(stack: Stack, people: dict[str, Account]) -> Callable[..., int]:
    """new_session(status=ACCEPTED, member=None, expert=None) -> the id of a fresh session."""

    def _create(
        status: Status = Status.ACCEPTED,
        member: Account | None = None,
        expert: Account | None = None,
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
def connect(stack: Stack, people: dict[str, Account]) -> Iterator[Callable[..., Peer]]:
    """connect(person_name_or_Account, session_id, after=None, server=None) -> a Peer that has
    its welcome; on the person's own server unless another one is given."""
    opened: list[Peer] = []

    def _connect(
        who: str | Account,
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
def pair(connect, new_session) -> tuple[Peer, Peer, int]:
    """(member, expert, session id): both connected, the member has seen the expert join."""
    session_id = new_session()
    member = connect("member", session_id)
    expert = connect("expert", session_id)
    member.expect(event="joined", role="expert")
    return member, expert, session_id

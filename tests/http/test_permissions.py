"""The role-by-route permission matrix of the dashboards, workflow and admin routes."""

import pytest

from counsel.models import Role, Status
from tests.helpers.forms import login
from tests.helpers.web import post, snapshot

ROLES = ["anonymous", "member", "other_member", "expert", "other_expert", "admin"]


def _expect(default: int, **overrides: int) -> dict[str, int]:
    """Status per role: anonymous is always sent to the login page."""
    return {"anonymous": 302, **{role: default for role in ROLES[1:]}, **overrides}


ADMIN_ONLY_PAGE = _expect(403, admin=200)
ADMIN_ONLY_ACTION = _expect(403, admin=302)

PAGES = {
    "/": _expect(200, admin=302),
    "/admin/sessions": ADMIN_ONLY_PAGE,
    "/admin/sessions/{session}": ADMIN_ONLY_PAGE,
    "/admin/experts": ADMIN_ONLY_PAGE,
}

ACTIONS = {
    "/sessions": _expect(403, member=302, other_member=302),
    "/sessions/{session}/accept": _expect(403, expert=302),
    "/sessions/{session}/decline": _expect(403, expert=302),
    "/sessions/{session}/cancel": _expect(403, member=302),
    "/admin/users/{target}/disable": ADMIN_ONLY_ACTION,
    "/admin/users/{target}/enable": ADMIN_ONLY_ACTION,
    "/admin/experts": ADMIN_ONLY_ACTION,
}

ACTION_DATA = {
    "/sessions": lambda people: {"expert_id": people["expert"].id, "topic": "Sleep"},
    "/admin/experts": lambda people: {
        "name": "New Expert",
        "email": "new@example.org",
        "password": "a long enough password",
    },
}


def _cases(table: dict[str, dict[str, int]]) -> list[tuple[str, str, int]]:
    return [(path, role, table[path][role]) for path in table for role in ROLES]


@pytest.fixture
def people(member, other_member, expert, other_expert, admin, create_user):
    target = create_user(Role.MEMBER, "Tess Target", active=False)
    return {
        "member": member,
        "other_member": other_member,
        "expert": expert,
        "other_expert": other_expert,
        "admin": admin,
        "target": target,
    }


@pytest.fixture
def world(people, create_session):
    """S1 = (member, expert), still requested, so every action could apply to it."""
    session = create_session(people["member"], people["expert"], Status.REQUESTED)
    return {"session": session.id, "target": people["target"].id}


def _client_as(client, people, role: str):
    if role != "anonymous":
        login(client, people[role])
    return client


@pytest.mark.parametrize(("path", "role", "expected"), _cases(PAGES))
def test_pages(client, people, world, path, role, expected):
    response = _client_as(client, people, role).get(path.format(**world))
    assert response.status_code == expected
    if role == "anonymous":
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("path", "role", "expected"), _cases(ACTIONS))
def test_actions(app, client, people, world, path, role, expected):
    _client_as(client, people, role)
    data = ACTION_DATA.get(path, lambda _: {})(people)
    before = snapshot(app)
    response = post(client, path.format(**world), **data)
    assert response.status_code == expected
    if role == "anonymous":
        assert response.headers["Location"].startswith("/login")
    # State changes exactly when the role is allowed (creating an expert adds a user).
    assert (snapshot(app) != before) == (expected == 302 and role != "anonymous")

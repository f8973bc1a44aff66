"""Admin account management: creating experts, disabling and enabling accounts."""

import pytest

from counsel.accounts.users import find_by_email
from counsel.ertc.relay import LocalRelay
from counsel.extensions import db
from counsel.models import Role, User
from tests.helpers.forms import csrf_token, login
from tests.helpers.people import PASSWORD
from tests.helpers.roomkit import audit_events
from tests.helpers.web import load, post, snapshot

NEW_EXPERT = {
    "name": "Nora Nurse",
    "email": "Nora@Example.org",
    "password": "a long enough password",
    "specialty": "Grief",
    "bio": "Twenty years of listening.",
}


class RecordingRelay(LocalRelay):
    """The real in-process relay, remembering whom it was asked to disconnect."""

    def __init__(self) -> None:
        super().__init__()
        self.disconnected: list[int] = []

    def disconnect_user(self, user_id: int) -> None:
        self.disconnected.append(user_id)
        super().disconnect_user(user_id)


@pytest.fixture
def relay(app) -> RecordingRelay:
    app.extensions["counsel.relay"] = RecordingRelay()
    return app.extensions["counsel.relay"]


@pytest.fixture
def admin_client(login_as, admin):
    return login_as(admin)


def _user_by_email(app, email: str) -> User | None:
    with app.app_context():
        user = find_by_email(email)
        if user is not None:
            db.session.expunge(user)
        return user


def test_admin_creates_an_expert_who_appears_in_the_directory(app, admin_client, member):
    response = post(admin_client, "/admin/experts", **NEW_EXPERT)
    assert response.status_code == 302
    assert "Expert account created for nora@example.org." in (
        admin_client.get("/admin/experts").get_data(as_text=True)
    )
    user = _user_by_email(app, "nora@example.org")
    assert user.role is Role.EXPERT and user.active
    assert ("admin.create_expert", "success", f"user:{user.id}") in audit_events(app)
    member_client = app.test_client()
    login(member_client, member)
    directory = member_client.get("/").get_data(as_text=True)
    assert "Nora Nurse" in directory and "Grief" in directory and "Twenty years" in directory


def test_duplicate_expert_email_is_a_clear_409(app, admin_client, expert):
    response = post(admin_client, "/admin/experts", **{**NEW_EXPERT, "email": "x@example.org"})
    assert response.status_code == 302
    before = snapshot(app)
    again = post(admin_client, "/admin/experts", **{**NEW_EXPERT, "email": "X@EXAMPLE.org"})
    assert again.status_code == 409
    assert "An account with the email x@example.org already exists." in again.get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "   "),
        ("name", "n" * 101),
        ("email", "not-an-email"),
        ("password", "short"),
        ("specialty", "s" * 101),
    ],
)
def test_invalid_expert_form_changes_nothing(app, admin_client, field, value):
    before = snapshot(app)
    response = post(admin_client, "/admin/experts", **{**NEW_EXPERT, field: value})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_disabling_ends_logins_and_calls(app, relay, admin_client, member):
    member_client = app.test_client()
    login(member_client, member)
    assert member_client.get("/").status_code == 200
    response = post(admin_client, f"/admin/users/{member.id}/disable")
    assert response.status_code == 302
    after = load(app, User, member.id)
    assert not after.active and after.login_token != member.login_token
    assert relay.disconnected == [member.id]
    assert ("admin.disable_user", "success", f"user:{member.id}") in audit_events(app)
    # The open login is gone and a new one is refused.
    assert member_client.get("/").headers["Location"].startswith("/login")
    fresh = app.test_client()
    refused = fresh.post(
        "/login",
        data={"email": member.email, "password": PASSWORD, "csrf_token": csrf_token(fresh)},
    )
    assert refused.status_code == 401


def test_enabling_lets_the_user_log_in_again(app, relay, admin_client, create_user):
    user = create_user(Role.EXPERT, "Paused Expert", active=False)
    assert post(admin_client, f"/admin/users/{user.id}/enable").status_code == 302
    assert load(app, User, user.id).active
    assert ("admin.enable_user", "success", f"user:{user.id}") in audit_events(app)
    login(app.test_client(), user)


def test_admin_cannot_disable_themself(app, relay, admin_client, admin):
    before = snapshot(app)
    response = post(admin_client, f"/admin/users/{admin.id}/disable")
    assert response.status_code == 409
    assert "You cannot disable your own account." in response.get_data(as_text=True)
    assert snapshot(app) == before and relay.disconnected == []


def test_unknown_user_is_404(app, admin_client):
    before = snapshot(app)
    assert post(admin_client, "/admin/users/999/disable").status_code == 404
    assert post(admin_client, "/admin/users/999/enable").status_code == 404
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/admin/sessions/1", "/admin/sessions/1"),
        ("https://evil.example/", "/admin/experts"),
        ("//evil.example/", "/admin/experts"),
        ("", "/admin/experts"),
    ],
)
def test_disable_returns_only_to_this_site(admin_client, relay, member, target, location):
    response = post(admin_client, f"/admin/users/{member.id}/disable", next=target)
    assert response.headers["Location"] == location


def test_disable_without_csrf_token_changes_nothing(app, relay, admin_client, member):
    before = snapshot(app)
    response = admin_client.post(f"/admin/users/{member.id}/disable")
    assert response.status_code == 400
    assert snapshot(app) == before and relay.disconnected == []

"""Login, registration and logout refuse a missing or foreign CSRF token with 400."""

import pytest
from sqlalchemy import func, select

from counsel.extensions import db
from counsel.models import User
from tests.helpers.forms import csrf_token, login
from tests.helpers.people import PASSWORD

NEW_MEMBER = {"name": "Nia", "email": "nia@example.com", "password": "a long password"}


def foreign_token(app) -> str:
    """A valid token, but of another browser's session."""
    return csrf_token(app.test_client())


def token_cases(app) -> dict[str, dict[str, str]]:
    return {
        "missing": {},
        "foreign": {"csrf_token": foreign_token(app)},
        "garbage": {"csrf_token": "not-a-token"},
    }


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("case", ["missing", "foreign", "garbage"])
def test_login_without_a_valid_token_is_refused(app, client, member, case):
    csrf_token(client)  # this browser has a session and a token of its own
    data = {"email": member.email, "password": PASSWORD, **token_cases(app)[case]}
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("case", ["missing", "foreign", "garbage"])
def test_register_without_a_valid_token_creates_nothing(app, client, case):
    csrf_token(client, "/register")
    response = client.post("/register", data={**NEW_MEMBER, **token_cases(app)[case]})
    assert response.status_code == 400
    assert user_count(app) == 0


@pytest.mark.parametrize("case", ["missing", "foreign", "garbage"])
def test_logout_without_a_valid_token_keeps_the_login(app, client, member, case):
    login(client, member)
    response = client.post("/logout", data=token_cases(app)[case])
    assert response.status_code == 400
    assert client.get("/").status_code == 200


def test_another_users_token_does_not_log_this_user_out(app, client, member, other_member):
    other = app.test_client()
    login(other, other_member)
    login(client, member)
    stolen = csrf_token(other, "/")
    assert client.post("/logout", data={"csrf_token": stolen}).status_code == 400
    assert client.get("/").status_code == 200

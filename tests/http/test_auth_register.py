"""Members register themselves: POST /register."""

import re

import pytest

from counsel.models import Role
from tests.helpers.registration import accounts, register


def invalid_fields(page: str) -> set[str]:
    """Names of the inputs the page marks invalid (each followed by its error message)."""
    invalid = r'<input [^>]*aria-invalid="true"[^>]* name="(\w+)"[^>]*>\s*<small'
    return set(re.findall(invalid, page))


def test_register_creates_a_logged_in_member(app, client):
    response = register(client, name="  Nia Newcomer ", email="Nia@Example.com", role="admin")
    assert response.status_code == 302 and response.location == "/"
    [user] = accounts(app)
    assert (user.email, user.name, user.role) == ("nia@example.com", "Nia Newcomer", Role.MEMBER)
    assert user.password_hash.startswith("$argon2id$")
    assert "a long password" not in user.password_hash
    assert client.get("/").status_code == 200


def test_the_register_page_has_the_form(client):
    page = client.get("/register").get_data(as_text=True)
    for name in ("name", "email", "password", "csrf_token"):
        assert f'name="{name}"' in page


def test_a_duplicate_email_is_refused_with_409(app, client):
    assert register(client).status_code == 302
    other = app.test_client()
    response = register(other, email="NIA@example.com", name="Someone Else")
    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)
    assert [user.name for user in accounts(app)] == ["Nia Newcomer"]
    assert other.get("/").status_code == 302  # not logged in


@pytest.mark.parametrize(
    "fields",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "N" * 101},
        {"email": ""},
        {"email": "not-an-email"},
        {"email": "nia@"},
        {"email": "n" * 250 + "@example.com"},
        {"password": ""},
        {"password": "12345678901"},  # one short of the minimum of 12
        {"password": "p" * 257},
    ],
    ids=lambda fields: next(f"{k}={v[:12]!r}" for k, v in fields.items()),
)
def test_bad_input_is_refused_and_creates_nothing(app, client, fields):
    response = register(client, **fields)
    assert response.status_code == 400
    assert invalid_fields(response.get_data(as_text=True)) == set(fields)
    assert accounts(app) == []


def test_the_shortest_allowed_password_is_accepted(app, client):
    assert register(client, password="0123456789ab").status_code == 302
    assert len(accounts(app)) == 1


def test_a_logged_in_user_is_sent_to_the_dashboard(client, login_as, member):
    login_as(member)
    assert client.get("/register").location == "/"

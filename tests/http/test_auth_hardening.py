"""Common passwords, registration and login rates per address, login idle and absolute expiry."""

import time

import pytest

from counsel.accounts import lifetime
from counsel.accounts.auth import TOO_MANY
from counsel.accounts.passwords import TOO_COMMON, common_passwords
from counsel.models import Status
from tests.helpers.forms import csrf_token
from tests.helpers.people import PASSWORD
from tests.helpers.registration import accounts, register
from tests.helpers.roomkit import app_fixture, client_for

app = app_fixture(REGISTER_PER_HOUR=3, LOGINS_PER_MINUTE=5, LOGIN_DAYS=14, IDLE_HOURS=12)


@pytest.mark.parametrize(
    "password",
    [
        "qwertyuiop12",
        "password1234",
        "1q2w3e4r5t6y",
        "QWERTY123456",
        "1qaz2wsx3edc",
        "123qweasdzxc",
    ],
)
def test_a_common_password_is_refused_with_a_clear_message(app, client, password):
    response = register(client, password=password)
    assert response.status_code == 400
    assert TOO_COMMON in response.get_data(as_text=True)
    assert accounts(app) == []


@pytest.mark.parametrize(
    "password", ["1234567890", "qwertyuiop", "password123", "1q2w3e4r5t", "1q2w3e4r", "qwer1234"]
)
def test_the_reported_passwords_are_in_the_list_and_too_short_anyway(client, password):
    assert password in common_passwords()
    assert register(client, password=password).status_code == 400


def test_the_list_is_large_and_lowercase():
    found = common_passwords()
    assert len(found) >= 10_000
    assert all(entry == entry.lower() for entry in found)
    assert {"asdf1234", "qwer1234", "1q2w3e4r"} <= found


def test_registrations_per_address_are_limited(app):
    statuses = []
    for n in range(4):
        client = app.test_client()
        statuses.append(register(client, email=f"n{n}@example.com").status_code)
    assert statuses == [302, 302, 302, 429]
    assert len(accounts(app)) == 3
    blocked = register(app.test_client(), email="late@example.com")
    assert TOO_MANY in blocked.get_data(as_text=True) and len(accounts(app)) == 3


def test_another_address_may_still_register(app):
    for n in range(3):
        register(app.test_client(), email=f"n{n}@example.com")
    client = app.test_client()
    data = {"name": "Other", "email": "other@example.com", "password": "a long password"}
    data["csrf_token"] = csrf_token(client, "/register")
    response = client.post("/register", data=data, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 302


def _login(client, email: str, password: str):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data)


def test_logins_per_address_are_limited_whatever_the_outcome(app, member):
    answers = [_login(app.test_client(), member.email, PASSWORD) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [302] * 5 + [429]
    assert TOO_MANY in answers[-1].get_data(as_text=True)


def _stamps(client, login_at: float, seen_at: float) -> None:
    with client.session_transaction() as session:
        session[lifetime.LOGIN_AT] = int(login_at)
        session[lifetime.SEEN_AT] = int(seen_at)


def test_a_fresh_login_works(app, member):
    client = client_for(app, member)
    assert client.get("/").status_code == 200


def test_an_idle_login_expires(app, member):
    client = client_for(app, member)
    now = time.time()
    _stamps(client, now - 3600 * 13, now - 3600 * 12 - 5)
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert client.get("/").status_code == 302  # logged out for good, not just this once


def test_activity_keeps_a_login_alive_until_its_absolute_limit(app, member):
    client = client_for(app, member)
    now = time.time()
    _stamps(client, now - 86400 * 13, now - 3600 * 11)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert session[lifetime.SEEN_AT] >= int(now)  # the request counted as activity
    _stamps(client, now - 86400 * 14 - 5, now - 10)
    assert client.get("/").status_code == 302


def test_an_expired_login_gets_401_on_json_routes_and_the_ertc_upgrade(
    app, member, expert, create_session
):
    session = create_session(member, expert, Status.REQUESTED)  # refused before any upgrade
    client = client_for(app, member)
    origin = {"Origin": "http://localhost", "Upgrade": "websocket", "Connection": "Upgrade"}
    assert client.get(f"/ertc?session={session.id}", headers=origin).status_code == 409
    _stamps(client, time.time() - 86400 * 15, time.time())
    assert client.get(f"/ertc?session={session.id}", headers=origin).status_code == 401
    assert client.get(f"/sessions/{session.id}/ledger").status_code == 401


def test_a_cookie_without_stamps_is_not_a_login(app, member):
    client = client_for(app, member)
    with client.session_transaction() as session:
        del session[lifetime.LOGIN_AT]
    assert client.get("/").status_code == 302

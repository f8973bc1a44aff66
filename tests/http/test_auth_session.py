"""The login cookie: flags, a new session on login, logout that really ends it."""

import pytest
from sqlalchemy import update

from counsel.extensions import db
from counsel.models import Role, User
from tests.helpers.apps import make_app
from tests.helpers.forms import CSRF_PATTERN, csrf_token, login
from tests.helpers.people import PASSWORD, PASSWORD_HASH

COOKIE = "counsel"


def set_cookie_header(response, name: str) -> str:
    """The Set-Cookie header of one cookie."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return headers[0]


def attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def cookie_value(client, name: str = COOKIE) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None
    return cookie.value


def replay(app, value: str, name: str = COOKIE, path: str = "/"):
    """A new client that presents only this cookie value, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief.get(path)


def test_the_login_cookie_is_httponly_and_samesite_lax(client, member):
    header = set_cookie_header(login(client, member), COOKIE)
    assert {"httponly", "path"} <= attributes(header)
    assert "samesite=lax" in header.lower()
    assert "secure" not in attributes(header)  # plain http on localhost in development
    assert "domain" not in attributes(header)


def test_login_starts_a_new_session(app, client, member):
    csrf_token(client)
    before = cookie_value(client)
    login(client, member)
    after = cookie_value(client)
    assert after != before
    assert replay(app, before).status_code == 302  # the anonymous cookie stays anonymous
    assert replay(app, after).status_code == 200


def test_the_csrf_token_changes_on_login(client, member):
    old_token = csrf_token(client)
    login(client, member)
    # A token planted before login cannot be used afterwards.
    assert client.post("/logout", data={"csrf_token": old_token}).status_code == 400
    assert client.get("/").status_code == 200


def test_logout_invalidates_a_replayed_cookie(app, client, member):
    login(client, member)
    stolen = cookie_value(client)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.location == "/login"
    replayed = replay(app, stolen)
    assert replayed.status_code == 302 and replayed.location.startswith("/login")
    assert client.get("/").status_code == 302


def test_logout_ends_the_logins_in_other_browsers(app, client, member):
    other_browser = app.test_client()
    login(other_browser, member)
    login(client, member)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert other_browser.get("/").status_code == 302


def test_logout_is_never_a_get(client, member):
    login(client, member)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_a_disabled_user_is_logged_out_on_the_next_request(app, client, member):
    login(client, member)
    with app.app_context():
        db.session.execute(update(User).where(User.id == member.id).values(active=False))
        db.session.commit()
    assert client.get("/").location.startswith("/login")


@pytest.fixture
def https_app(tmp_path):
    """The app as configured for serving behind TLS, with one member."""
    app = make_app(f"sqlite:///{tmp_path / 'https.db'}", tmp_path, HTTPS=True)
    with app.app_context():
        db.session.add(
            User(email="h@example.test", name="H", role=Role.MEMBER, password_hash=PASSWORD_HASH)
        )
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_over_https_the_cookie_is_secure_and_host_prefixed(https_app):
    client = https_app.test_client()
    # Flask-WTF checks the Referer on HTTPS; browsers send it (Referrer-Policy same-origin).
    site = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
    token = CSRF_PATTERN.search(client.get("/login", **site).get_data(as_text=True)).group(1)
    data = {"email": "h@example.test", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login", data=data, **site)
    assert response.status_code == 302
    header = set_cookie_header(response, "__Host-counsel")
    assert {"secure", "httponly", "path"} <= attributes(header)
    assert "domain" not in attributes(header) and "Path=/" in header
    assert "samesite=lax" in header.lower()
    assert client.get("/", **site).status_code == 200

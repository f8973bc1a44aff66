"""Security headers on every route, for every role and state: a table over app.url_map."""

import pytest

from counsel.models import Status
from tests.helpers.roomkit import add_file, client_for

ROLES = ("anonymous", "member", "expert", "outsider", "admin")
STRICT_REFERRERS = {"no-referrer", "same-origin", "strict-origin"}
PAGE_DIRECTIVES = {
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(policy: str) -> dict[str, str]:
    """A CSP header as {directive: sources}."""
    parts = [part.strip().split(" ", 1) for part in policy.split(";") if part.strip()]
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


@pytest.fixture
def world(app, create_user, create_session, member, expert, other_member, admin):
    """Ids to fill every route with: an open session, an ended one, a file, a user."""
    open_session = create_session(member, expert, Status.ACCEPTED)
    ended = create_session(member, expert, Status.ENDED)
    file_id = add_file(app, open_session, member)
    users = {"member": member, "expert": expert, "outsider": other_member, "admin": admin}
    return {"open": open_session.id, "ended": ended.id, "file": file_id, "users": users}


def urls(app, world, state: str) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule of the app, ids filled from the world."""
    values = {"session_id": world[state], "file_id": world["file"]}
    values["user_id"] = world["users"]["member"].id
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        args = {name: values[name] for name in rule.arguments if name in values}
        if "action" in rule.arguments:
            args["action"] = "cancel"
        url = rule.build(args, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((rule.endpoint, method, url))
    return found


def check(endpoint: str, url: str, response) -> None:
    """Every response's security headers."""
    headers = response.headers
    where = f"{endpoint} {url} -> {response.status_code}"
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] in STRICT_REFERRERS, where
    assert headers["Cache-Control"] == "no-store", where
    assert "Strict-Transport-Security" not in headers, where  # plain HTTP here
    policy = directives(headers["Content-Security-Policy"])
    if policy == {"sandbox": ""}:  # a downloaded file: no scripts at all, never framed
        assert headers["X-Frame-Options"] == "DENY", where
        return
    for name, sources in PAGE_DIRECTIVES.items():
        assert policy.get(name, policy.get("default-src")) in (sources, "'none'"), where
    devices = headers["Permissions-Policy"]
    if endpoint == "room.room" and response.status_code == 200:
        assert "camera=(self)" in devices and "microphone=(self)" in devices, where
        assert "display-capture=()" not in devices, where
    else:
        assert all(f"{kind}=()" in devices for kind in ("camera", "microphone")), where
        assert "display-capture=()" in devices, where


@pytest.mark.parametrize("state", ["open", "ended"])
@pytest.mark.parametrize("role", ROLES)
def test_every_route_sends_every_header(app, world, role, state):
    user = None if role == "anonymous" else world["users"][role]
    client = client_for(app, user)
    table = urls(app, world, state)
    assert len(table) >= 15  # the whole app, not a few routes
    for endpoint, method, url in table:
        with client.open(url, method=method) as response:  # a download holds its file open
            check(endpoint, url, response)


def test_the_room_itself_was_among_the_pages_and_allowed_the_camera(app, world):
    client = client_for(app, world["users"]["member"])
    response = client.get(f"/sessions/{world['open']}/room")
    assert response.status_code == 200
    check("room.room", response.request.path, response)
    assert "camera=(self)" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "path", ["/login", "/register", "/", "/admin/sessions", "/admin/experts", "/no-such-page"]
)
def test_no_page_can_be_framed(app, world, path):
    client = client_for(app, world["users"]["admin"])
    response = client.get(path)
    assert directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/admin/sessions",
        "/admin/sessions/{open}",
        "/sessions/{ended}/summary",
        "/sessions/{open}/ledger",
        "/files/{file}",
    ],
)
def test_counseling_content_is_never_cached(app, world, path):
    user = world["users"]["admin" if "admin" in path or "files" in path else "member"]
    with client_for(app, user).get(path.format(**world)) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(app):
    with app.test_client().get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") != "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_for_a_year_when_served_over_https(app, tmp_path):
    app.config["HTTPS"] = True
    response = app.test_client().get("/login", base_url="https://counsel.example.org")
    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 3600 and "includeSubDomains" in hsts

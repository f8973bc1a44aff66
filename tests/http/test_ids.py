"""Ids the database cannot hold, or that are not plain ids, answer 404 (never 500) everywhere."""

import pytest

from counsel.models import Status
from counsel.web.converters import MAX_ID, parse_id
from tests.helpers.forms import ANY_PAGE, csrf_token
from tests.helpers.roomkit import client_for
from tests.helpers.web import snapshot

PLACEHOLDER = 4242424242
BAD_IDS = [
    "100000000000000000000",  # beyond 64 bits: OverflowError in the SQLite driver before
    str(MAX_ID + 1),
    "-1",
    "0",
    "007",
    "abc",
    "1e3",
    "%201",
]


def id_routes(app) -> list[tuple[str, str]]:
    """(method, url with PLACEHOLDER for every id) of each rule that takes an id."""
    found = []
    for rule in app.url_map.iter_rules():
        names = [name for name in rule.arguments if name.endswith("_id")]
        if not names:
            continue
        args = {name: PLACEHOLDER for name in names}
        if "action" in rule.arguments:
            args["action"] = "accept"
        url = rule.build(args, append_unknown=False)[1]
        found.append(("GET" if "GET" in rule.methods else "POST", url))
    return found


def test_every_id_route_uses_the_id_converter(app):
    for rule in app.url_map.iter_rules():
        for name in rule.arguments:
            if name.endswith("_id"):
                assert type(rule._converters[name]).__name__ == "IdConverter", rule.rule


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("role", ["member", "admin"])
def test_bad_ids_are_404_on_every_route(app, member, admin, bad, role):
    client = client_for(app, {"member": member, "admin": admin}[role])
    token = csrf_token(client, ANY_PAGE)
    routes = id_routes(app)
    assert len(routes) >= 10
    before = snapshot(app)
    for method, url in routes:
        target = url.replace(str(PLACEHOLDER), bad)
        response = client.open(target, method=method, headers={"X-CSRFToken": token})
        assert response.status_code == 404, (method, target, response.status_code)
    assert snapshot(app) == before


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_largest_id_is_an_unknown_row_not_an_error(app, member, admin, role):
    client = client_for(app, {"member": member, "admin": admin}[role])
    token = csrf_token(client, ANY_PAGE)
    for method, url in id_routes(app):
        target = url.replace(str(PLACEHOLDER), str(MAX_ID))
        response = client.open(target, method=method, headers={"X-CSRFToken": token})
        assert response.status_code in (403, 404), (method, target, response.status_code)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_query_string_ids_never_fail(app, create_session, member, expert, admin, bad):
    create_session(member, expert, Status.ACCEPTED)
    origin = {"Origin": "http://localhost", "Upgrade": "websocket", "Connection": "Upgrade"}
    member_client = client_for(app, member)
    assert member_client.get(f"/ertc?session={bad}", headers=origin).status_code == 404
    assert member_client.get(f"/?expert={bad}").status_code == 200
    admin_page = client_for(app, admin).get(f"/admin/sessions?expert={bad}")
    assert admin_page.status_code == 200


def test_a_huge_expert_id_in_a_request_is_refused_and_changes_nothing(app, member, expert):
    client = client_for(app, member)
    before = snapshot(app)
    response = client.post(
        "/sessions",
        data={
            "expert_id": "100000000000000000000",
            "topic": "Sleep",
            "csrf_token": csrf_token(client, ANY_PAGE),
        },
    )
    assert response.status_code == 400
    assert "That expert does not exist." in response.get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("0", None),
        ("01", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("١٢", None),
        ("12a", None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected

"""/ice with STUN and TURN configured: fresh coturn credentials, the secret never shown."""

import time

import pytest

from counsel.models import Status
from tests.helpers.ice import SECRET, expected_credential
from tests.helpers.roomkit import app_fixture, client_for

TURN_CONFIG = {
    "STUN_URLS": ["stun:turn.counsel.test:3478"],
    "TURN_URLS": [
        "turn:turn.counsel.test:3478?transport=udp",
        "turns:turn.counsel.test:5349?transport=tcp",
    ],
    "TURN_SECRET": SECRET,
    "TURN_TTL": 600,
}


app = app_fixture(**TURN_CONFIG)


@pytest.fixture
def s1(create_session, member, expert):
    return create_session(member, expert)


@pytest.mark.parametrize("who", ["member", "expert"])
def test_turn_credentials_are_fresh_and_verifiable(app, s1, request, who):
    user = request.getfixturevalue(who)
    body = client_for(app, user).get(f"/sessions/{s1.id}/ice").json
    stun, turn = body["iceServers"]
    assert stun == {"urls": TURN_CONFIG["STUN_URLS"]}
    assert turn["urls"] == TURN_CONFIG["TURN_URLS"]
    expiry, user_id = turn["username"].split(":")
    assert int(user_id) == user.id
    assert abs(int(expiry) - (time.time() + 600)) < 30
    assert turn["credential"] == expected_credential(turn["username"])
    assert body["ttl"] == 600


def test_the_secret_appears_in_no_page(app, s1, member, expert, admin):
    member_client = client_for(app, member)
    pages = [
        member_client.get("/"),
        member_client.get(f"/sessions/{s1.id}/room"),
        member_client.get(f"/sessions/{s1.id}/ice"),
        member_client.get(f"/sessions/{s1.id}/summary"),
        client_for(app, expert).get("/"),
        client_for(app, admin).get(f"/admin/sessions/{s1.id}"),
    ]
    assert all(page.status_code == 200 for page in pages)
    assert not [page for page in pages if SECRET.encode() in page.get_data()]


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.ENDED, Status.CANCELLED])
def test_no_credentials_for_a_room_that_is_not_open(app, create_session, member, expert, status):
    closed = create_session(member, expert, status=status)
    response = client_for(app, member).get(f"/sessions/{closed.id}/ice")
    assert response.status_code == 409
    assert "iceServers" not in response.json

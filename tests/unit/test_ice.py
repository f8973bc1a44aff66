"""ICE servers: configured STUN, TURN with coturn REST credentials, never a default server."""

import pytest

from counsel.room.ice import ice_servers, turn_credentials
from tests.helpers.ice import SECRET, expected_credential
from tests.helpers.roomkit import client_for


def test_credentials_follow_the_coturn_rest_scheme():
    username, credential = turn_credentials(SECRET, 42, 1_700_000_600)
    assert username == "1700000600:42"
    assert credential == expected_credential(username)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"TURN_URLS": ["turn:turn.counsel.test"]},
        {"TURN_SECRET": SECRET},
    ],
    ids=["nothing", "turn-without-secret", "secret-without-urls"],
)
def test_nothing_usable_configured_means_no_servers(config):
    assert ice_servers({"TURN_TTL": 86400, **config}, user_id=1) == {"iceServers": [], "ttl": 86400}


def test_stun_only_carries_no_credentials():
    body = ice_servers({"TURN_TTL": 60, "STUN_URLS": ["stun:a.test"]}, user_id=1)
    assert body["iceServers"] == [{"urls": ["stun:a.test"]}]


def test_the_default_app_offers_no_server(app, create_session, member, expert):
    session = create_session(member, expert)
    response = client_for(app, member).get(f"/sessions/{session.id}/ice")
    assert response.status_code == 200
    assert response.json["iceServers"] == []
    assert response.headers["Cache-Control"] == "no-store"

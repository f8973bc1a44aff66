"""Every refusal happens before the upgrade, as a plain HTTP status (docs/protocol.md)."""

import json

import pytest
import websocket

from counsel.extensions import db
from counsel.models import AuditEvent, Status
from tests.helpers.wsclient import open_socket, raw_upgrade


def refused(stack, session_id, cookie=None, origin="own", after=None) -> int:
    """The HTTP status of a refused upgrade; fails if the upgrade was accepted."""
    origin = stack.origin if origin == "own" else origin
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        ws = open_socket(stack.server.ws_url, session_id, cookie, origin, after)
        ws.close()
    assert b"HTTP/1.1 101" not in (caught.value.resp_body or b"")
    return caught.value.status_code


def test_anonymous_is_refused_with_401(stack, new_session):
    assert refused(stack, new_session()) == 401


def test_garbage_cookie_is_refused_with_401(stack, new_session):
    assert refused(stack, new_session(), cookie="counsel=not.a.signed.cookie") == 401


@pytest.mark.parametrize("outsider", ["other_member", "other_expert", "admin"])
def test_people_outside_the_session_get_403(stack, people, new_session, outsider):
    session_id = new_session()
    assert refused(stack, session_id, people[outsider].cookie) == 403
    with stack.app.app_context():
        denied = db.session.scalars(
            db.select(AuditEvent).where(
                AuditEvent.user_id == people[outsider].id,
                AuditEvent.target == f"session:{session_id}",
            )
        ).all()
    assert [event.result for event in denied] == ["denied"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://app.example.evil.com",
        "null",
        None,  # no Origin header at all
    ],
)
def test_foreign_origins_get_403(stack, people, new_session, origin):
    assert refused(stack, new_session(), people["member"].cookie, origin) == 403


def test_other_scheme_port_or_host_of_our_own_origin_gets_403(stack, people, new_session):
    port = stack.server.port
    variants = [
        f"https://127.0.0.1:{port}",
        f"http://127.0.0.1:{port + 1}",
        f"http://localhost:{port}",
        f"http://127.0.0.1:{port}.evil.com",
        f"HTTP://127.0.0.1:{port}",
    ]
    session_id = new_session()
    for origin in variants:
        assert refused(stack, session_id, people["member"].cookie, origin) == 403, origin


def test_refusal_bodies_are_contract_json(stack, people, new_session):
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        open_socket(stack.server.ws_url, new_session(), people["admin"].cookie, stack.origin)
    body = json.loads(caught.value.resp_body)
    assert body["error"] == "forbidden" and body["message"]


@pytest.mark.parametrize("session_id", [999_999, "abc", "-1", None])
def test_unknown_or_malformed_session_gets_404(stack, people, session_id):
    assert refused(stack, session_id, people["member"].cookie) == 404


def test_malformed_after_gets_400(stack, people, new_session):
    assert refused(stack, new_session(), people["member"].cookie, after="x") == 400


@pytest.mark.parametrize(
    "status", [Status.REQUESTED, Status.ENDED, Status.DECLINED, Status.CANCELLED]
)
def test_sessions_not_accepted_or_live_get_409(stack, people, new_session, status):
    assert refused(stack, new_session(status), people["expert"].cookie) == 409


@pytest.mark.parametrize("who", ["member", "expert"])
def test_both_participants_get_in_accepted_and_live_sessions(connect, new_session, who):
    for status in (Status.ACCEPTED, Status.LIVE):
        peer = connect(who, new_session(status))
        assert peer.welcome["role"] == who


def test_compression_is_never_negotiated(stack, people, new_session):
    raw, head = raw_upgrade(
        stack.server.port,
        people["member"].cookie,
        new_session(),
        stack.origin,
        ("Sec-WebSocket-Extensions: permessage-deflate",),
    )
    raw.close()
    assert head.startswith("HTTP/1.1 101")
    assert "permessage-deflate" not in head.lower()

"""Seats over a call's life: live after both join, takeover by a second socket, END, logout."""

import time

import pytest
import websocket

from counsel.extensions import db
from counsel.models import CounselingSession, Role, Status
from tests.helpers.people import add_user
from tests.helpers.stack import ledger_rows
from tests.helpers.wsclient import login_cookie, open_socket, post_form


def load_session(stack, session_id) -> CounselingSession:
    with stack.app.app_context():
        session = db.session.get(CounselingSession, session_id)
        db.session.expunge(session)
        return session


def test_session_goes_live_when_both_have_joined(stack, connect, new_session):
    session_id = new_session()
    connect("member", session_id).close()
    assert load_session(stack, session_id).status is Status.ACCEPTED
    connect("expert", session_id)
    session = load_session(stack, session_id)
    assert session.status is Status.LIVE and session.started_at is not None


def test_end_closes_both_with_1000_and_ends_the_session(stack, people, pair):
    member, expert, session_id = pair
    expert.send({"type": "END", "reason": "We are done for today."})
    for peer in (member, expert):
        end = peer.expect(type="END")
        assert (end["from"], end["reason"]) == ("expert", "We are done for today.")
        assert peer.expect_close() == 1000
    session = load_session(stack, session_id)
    assert session.status is Status.ENDED and session.ended_by_id == people["expert"].id
    assert session.end_reason == "We are done for today." and session.ended_at is not None
    rows = ledger_rows(stack, session_id)
    assert rows[-1].type == "END" and not [r for r in rows if r.payload.get("event") == "left"]
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        open_socket(stack.server.ws_url, session_id, people["member"].cookie, stack.origin)
    assert caught.value.status_code == 409


def test_second_socket_takes_over_and_the_peer_sees_no_leave(stack, connect, pair):
    member, expert, session_id = pair
    second = connect("member", session_id, server=stack.elsewhere("member"))
    assert member.expect(event="replaced")["role"] == "member"
    assert member.expect_close() == 4000
    assert expert.expect(event="joined", role="member")
    expert.quiet(0.5)
    assert not [f for f in expert.seen if f.get("event") == "left"]
    second.txt("from the new tab", client_id="tab-2")
    assert expert.expect(type="TXT")["text"] == "from the new tab"
    events = [row.payload.get("event") for row in ledger_rows(stack, session_id)]
    assert events == ["joined", "joined", "replaced", "joined", None]


def test_logout_elsewhere_closes_the_socket_within_seconds(stack, connect, new_session):
    person = add_user(stack.app, Role.MEMBER, "leaves@ws.test")
    person.cookie = login_cookie(stack.server.url, person.email)
    other_tab = login_cookie(stack.server.url, person.email)
    session_id = new_session(member=person)
    peer = connect(person, session_id)
    started = time.monotonic()
    assert post_form(stack.elsewhere("member").url, other_tab, "/logout") == 302
    assert peer.expect_close(timeout=5) == 4001
    assert time.monotonic() - started < 5
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        open_socket(stack.server.ws_url, session_id, person.cookie, stack.origin)
    assert caught.value.status_code == 401

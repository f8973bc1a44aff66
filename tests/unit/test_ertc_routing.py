"""Routing and handlers with a fake socket pair, the real LocalRelay and a real database."""

import json

import pytest

from counsel.ertc.context import Context
from counsel.ertc.protocol import ENDED, REPLACED
from counsel.ertc.registry import TYPES, dispatch
from counsel.ertc.relay import LocalRelay
from counsel.extensions import db
from counsel.models import CounselingSession, LedgerEntry, SharedFile, Status
from tests.helpers.fakes import FakeConn


@pytest.fixture
def room(app, member, expert, create_session):
    """(relay, member FakeConn, expert FakeConn, session id), both attached."""
    session = create_session(member, expert)
    relay = LocalRelay()
    conns = FakeConn(session.id, "member", member.id), FakeConn(session.id, "expert", expert.id)
    for conn in conns:
        relay.attach(conn)
    with app.test_request_context():  # a socket's handlers run in its upgrade request
        yield relay, *conns, session.id


def send(relay, conn, frame) -> None:
    dispatch(Context(conn, relay), json.dumps(frame))


def rows(session_id) -> list[LedgerEntry]:
    return db.session.scalars(
        db.select(LedgerEntry).where(LedgerEntry.session_id == session_id).order_by(LedgerEntry.seq)
    ).all()


def test_every_client_type_has_a_handler():
    handled = {kind for kind, known in TYPES.items() if known.handler is not None}
    assert handled == {"offer", "answer", "candidate", "TXT", "CAM", "FILE", "END"}


def test_offer_goes_to_the_peer_only(room):
    relay, member, expert, _ = room
    send(relay, expert, {"type": "offer", "sdp": "v=0\r\n", "from": "member"})
    assert member.frames == [{"type": "offer", "from": "expert", "sdp": "v=0\r\n"}]
    assert expert.frames == []


def test_signaling_to_an_absent_peer_is_refused(room):
    relay, member, expert, _ = room
    relay.detach(member)
    send(relay, expert, {"type": "candidate", "candidate": None})
    assert expert.errors() == ["peer-absent"] and member.frames == []


def test_txt_is_stored_with_the_next_seq_and_sent_to_both(room):
    relay, member, expert, session_id = room
    send(relay, member, {"type": "TXT", "text": "hello", "client_id": "a"})
    [entry] = rows(session_id)
    assert (entry.seq, entry.actor, entry.payload, entry.client_id) == (
        1,
        "member",
        {"text": "hello"},
        "a",
    )
    assert member.frames == expert.frames
    assert member.frames[0]["seq"] == 1 and member.frames[0]["from"] == "member"


def test_repeated_txt_acks_the_sender_only(room):
    relay, member, expert, session_id = room
    for _ in range(3):
        send(relay, member, {"type": "TXT", "text": "once", "client_id": "same"})
    assert len(rows(session_id)) == 1
    assert member.frames == [expert.frames[0]] * 3 and len(expert.frames) == 1


def test_the_same_client_id_from_each_side_is_two_lines(room):
    relay, member, expert, session_id = room
    send(relay, member, {"type": "TXT", "text": "m", "client_id": "x"})
    send(relay, expert, {"type": "TXT", "text": "e", "client_id": "x"})
    assert [(r.seq, r.actor) for r in rows(session_id)] == [(1, "member"), (2, "expert")]


def test_cam_is_stored_and_sent_to_both(room):
    relay, member, expert, session_id = room
    send(relay, member, {"type": "CAM", "video": False, "audio": False})
    assert rows(session_id)[0].type == "CAM" and member.frames == expert.frames
    assert expert.frames[0]["video"] is False and expert.frames[0]["seq"] == 1


def add_file(session_id: int, uploader_id: int) -> int:
    shared = SharedFile(
        session_id=session_id,
        uploader_id=uploader_id,
        original_name="a.png",
        stored_name=f"s{session_id}u{uploader_id}",
        mime="image/png",
        size=3,
        sha256="0" * 64,
    )
    db.session.add(shared)
    db.session.commit()
    return shared.id


def test_file_from_its_uploader_in_its_session_is_shared(room):
    relay, member, expert, session_id = room
    file_id = add_file(session_id, member.user_id)
    send(relay, member, {"type": "FILE", "file_id": file_id})
    assert member.frames == expert.frames
    assert member.frames[0]["url"] == f"/files/{file_id}" and member.frames[0]["name"] == "a.png"


def test_file_of_another_session_or_uploader_is_refused(room, create_session, member, expert):
    relay, member_conn, expert_conn, session_id = room
    elsewhere = create_session(member, expert)
    for file_id in (add_file(elsewhere.id, member.id), add_file(session_id, expert.id), 999):
        send(relay, member_conn, {"type": "FILE", "file_id": file_id})
    assert member_conn.errors() == ["not-allowed"] * 3 and expert_conn.frames == []
    assert rows(session_id) == []


def test_end_stores_ends_and_closes_both(room, expert):
    relay, member_conn, expert_conn, session_id = room
    send(relay, expert_conn, {"type": "END", "reason": "time is up"})
    session = db.session.get(CounselingSession, session_id)
    assert session.status is Status.ENDED and session.ended_by_id == expert.id
    assert session.end_reason == "time is up"
    [entry] = rows(session_id)
    assert entry.type == "END" and member_conn.frames == expert_conn.frames
    assert member_conn.closed == expert_conn.closed == (1000, ENDED)


def test_messages_after_the_end_are_refused_and_close(room):
    relay, member, expert, session_id = room
    send(relay, expert, {"type": "END"})
    member.closed = None
    send(relay, member, {"type": "TXT", "text": "late", "client_id": "late"})
    assert member.errors() == ["not-allowed"] and member.closed == (1000, ENDED)
    assert [r.type for r in rows(session_id)] == ["END"]


def test_a_second_socket_replaces_the_first(room):
    relay, member, expert, session_id = room
    second = FakeConn(session_id, "member", member.user_id)
    relay.attach(second, {"type": "SYS", "event": "replaced"})
    assert member.frames == [{"type": "SYS", "event": "replaced"}]
    assert member.closed == (4000, REPLACED)
    assert relay.detach(member) is False and relay.detach(second) is True


def test_disconnect_user_and_shutdown_close_sockets(room):
    relay, member, expert, session_id = room
    relay.disconnect_user(member.user_id)
    assert member.closed == (4001, "closed") and expert.closed is None
    relay.shutdown(1012)
    assert expert.closed == (1012, "closed")
    late = FakeConn(session_id, "member", member.user_id)
    relay.attach(late)
    assert late.closed == (1012, "closed")

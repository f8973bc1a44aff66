"""Relay of offer/answer/candidate, presence notices and every error code, over a real socket."""

import pytest

from counsel.extensions import db
from counsel.models import SharedFile
from tests.helpers.samples import CANDIDATE, SDP
from tests.helpers.stack import ledger_rows
from tests.helpers.wsclient import Closed


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "offer", "sdp": SDP},
        {"type": "answer", "sdp": SDP},
        {"type": "candidate", "candidate": CANDIDATE},
        {"type": "candidate", "candidate": None},
    ],
)
def test_signaling_is_relayed_to_the_peer_with_the_server_sender(pair, frame):
    member, expert, _ = pair
    expert.send({**frame, "from": "member", "seq": 7, "role": "admin", "x": 1})
    got = member.expect(type=frame["type"])
    assert got == {**frame, "from": "expert"}


def test_signaling_is_not_stored(stack, pair):
    member, expert, session_id = pair
    expert.send({"type": "offer", "sdp": SDP})
    member.expect(type="offer")
    assert {row.type for row in ledger_rows(stack, session_id)} == {"SYS"}


@pytest.mark.parametrize("kind", ["offer", "answer", "candidate"])
def test_signaling_without_a_peer_gets_peer_absent(connect, new_session, kind):
    member = connect("member", new_session())
    frame = (
        {"type": kind, "sdp": SDP}
        if kind != "candidate"
        else {"type": kind, "candidate": CANDIDATE}
    )
    member.send(frame)
    assert member.expect(event="error")["code"] == "peer-absent"


def test_welcome_tells_role_politeness_presence_and_last_seq(connect, new_session):
    session_id = new_session()
    member = connect("member", session_id)
    expert = connect("expert", session_id)
    assert member.welcome == {
        "type": "SYS",
        "from": "server",
        "event": "welcome",
        "role": "member",
        "polite": True,
        "peer_present": False,
        "last_seq": 1,
        "grace": 60,
    }
    assert expert.welcome["polite"] is False and expert.welcome["peer_present"] is True
    assert expert.welcome["last_seq"] == 2


def test_peer_is_told_joined_and_left_closed(pair):
    member, expert, _ = pair
    expert.close()
    left = member.expect(event="left")
    assert (left["role"], left["reason"], left["from"]) == ("expert", "closed", "server")
    assert isinstance(left["seq"], int) and left["ts"].endswith("Z")


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{", "bad-json"),
        ("[]", "bad-json"),
        ("123", "bad-json"),
        ('{"type": "TXT", "text": NaN, "client_id": "a"}', "bad-json"),
        ("[" * 5000 + "]" * 5000, "bad-json"),
        ('{"type": 1}', "unknown-type"),
        ('{"type": "ADMIN"}', "unknown-type"),
        ('{"type": "TXT"}', "bad-field"),
        ('{"type": "TXT", "text": {"a": 1}, "client_id": "a"}', "bad-field"),
        ('{"type": "offer", "sdp": "' + "x" * 60_000 + '"}', "bad-field"),
        ('{"type": "candidate", "candidate": 42}', "bad-field"),
        ('{"type": "CAM", "video": 1, "audio": true}', "bad-field"),
        ('{"type": "SYS", "event": "welcome"}', "not-allowed"),
    ],
)
def test_bad_frames_get_an_error_and_the_next_message_still_works(stack, pair, frame, code):
    member, expert, session_id = pair
    before = len(ledger_rows(stack, session_id))
    expert.send(frame)
    error = expert.expect(event="error")
    assert error["code"] == code and error["message"]
    expert.send({"type": "offer", "sdp": SDP})
    assert member.expect(type="offer")["from"] == "expert"  # nothing else came first
    assert [f for f in member.seen if f.get("type") not in ("SYS", "offer")] == []
    assert len(ledger_rows(stack, session_id)) == before


def test_binary_frames_get_bad_json(pair):
    member, expert, _ = pair
    expert.ws.send_binary(b'{"type": "offer"}')
    assert expert.expect(event="error")["code"] == "bad-json"


def test_cam_is_stored_and_relayed(stack, pair):
    member, expert, session_id = pair
    expert.send({"type": "CAM", "video": False, "audio": True, "from": "member"})
    got = member.expect(type="CAM")
    assert (got["from"], got["video"], got["audio"]) == ("expert", False, True)
    assert expert.expect(type="CAM") == got  # the sender's copy is its acknowledgement
    stored = ledger_rows(stack, session_id)[-1]
    assert (stored.type, stored.seq, stored.payload) == (
        "CAM",
        got["seq"],
        {"video": False, "audio": True},
    )


def add_file(stack, session_id: int, uploader_id: int, name: str = "notes.pdf") -> int:
    """A SharedFile row as the upload route would leave it."""
    with stack.app.app_context():
        shared = SharedFile(
            session_id=session_id,
            uploader_id=uploader_id,
            original_name=name,
            stored_name=f"{session_id}-{uploader_id}-{name}",
            mime="application/pdf",
            size=1234,
            sha256="0" * 64,
        )
        db.session.add(shared)
        db.session.commit()
        return shared.id


def test_file_is_sent_to_both_with_its_details(stack, people, pair):
    member, expert, session_id = pair
    file_id = add_file(stack, session_id, people["expert"].id)
    expert.send({"type": "FILE", "file_id": file_id, "name": "evil.html", "url": "//evil"})
    for peer in (member, expert):
        got = peer.expect(type="FILE")
        assert (got["name"], got["size"], got["mime"]) == ("notes.pdf", 1234, "application/pdf")
        assert (got["url"], got["file_id"], got["from"]) == (f"/files/{file_id}", file_id, "expert")


@pytest.mark.parametrize("whose", ["other_session", "peer_upload", "missing"])
def test_file_of_another_session_or_person_is_refused(stack, people, pair, new_session, whose):
    member, expert, session_id = pair
    file_id = {
        "other_session": lambda: add_file(stack, new_session(), people["expert"].id),
        "peer_upload": lambda: add_file(stack, session_id, people["member"].id),
        "missing": lambda: 987_654,
    }[whose]()
    expert.send({"type": "FILE", "file_id": file_id})
    assert expert.expect(event="error")["code"] == "not-allowed"
    assert not [
        f for f in member.quiet(0.3) if not isinstance(f, Closed) and f.get("type") == "FILE"
    ]
    assert [row.type for row in ledger_rows(stack, session_id)] == ["SYS", "SYS"]

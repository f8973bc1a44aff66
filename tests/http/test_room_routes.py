"""The room page (context, headers, closed rooms), the summary and the ledger route."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import template_rendered

from counsel.extensions import db
from counsel.models import CounselingSession, LedgerEntry, Status, utcnow
from tests.helpers.roomkit import add_file, audit_events, client_for


@contextmanager
def rendered(app):
    """Collect (template name, context) of every template rendered inside the block."""
    seen = []

    def record(sender, template, context, **extra):
        seen.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


@pytest.fixture
def s1(create_session, member, expert):
    return create_session(member, expert)


def room_context(app, client, session_id):
    with rendered(app) as seen:
        response = client.get(f"/sessions/{session_id}/room")
    assert response.status_code == 200
    return dict(seen)["room/room.html"], response


@pytest.mark.parametrize(
    ("who", "role", "peer"), [("member", "member", "expert"), ("expert", "expert", "member")]
)
def test_room_context_names_role_and_peer(app, s1, request, who, role, peer):
    me, other = request.getfixturevalue(who), request.getfixturevalue(peer)
    context, _ = room_context(app, client_for(app, me), s1.id)
    assert context["cs"].id == s1.id and context["role"] == role
    assert context["me"].id == me.id and context["peer"].id == other.id
    assert context["max_upload_mb"] == app.config["MAX_UPLOAD_MB"]
    assert context["grace_seconds"] == app.config["PRESENCE_GRACE_SECONDS"]


def directives(policy: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip() for d in policy.split(";") if d.strip()}


def test_room_headers_lock_the_page_down(app, s1, member):
    _, response = room_context(app, client_for(app, member), s1.id)
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == "script-src 'self'"
    assert csp["style-src"] == "style-src 'self'"
    assert csp["connect-src"] == "connect-src 'self' ws://localhost"
    assert csp["media-src"] == "media-src 'self' blob:"
    assert csp["img-src"] == "img-src 'self' blob: data:"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["default-src"] == "default-src 'none'"
    assert response.headers["Permissions-Policy"] == "camera=(self), microphone=(self)"
    assert response.headers["Cache-Control"] == "no-store"


def test_room_over_https_allows_only_its_own_wss_origin(app, s1, member):
    client = client_for(app, member)
    response = client.get(f"/sessions/{s1.id}/room", base_url="https://localhost")
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["connect-src"] == "connect-src 'self' wss://localhost"


def test_a_strange_host_header_never_reaches_the_policy(app, s1, member):
    client = client_for(app, member)
    response = client.get(f"/sessions/{s1.id}/room", headers={"Host": "x; script-src *"})
    policy = response.headers["Content-Security-Policy"]
    assert "*" not in policy and directives(policy)["connect-src"] == "connect-src 'self'"


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.DECLINED, Status.CANCELLED])
def test_rooms_that_are_not_open_are_409(app, create_session, member, expert, status):
    closed = create_session(member, expert, status=status)
    response = client_for(app, member).get(f"/sessions/{closed.id}/room")
    assert response.status_code == 409
    assert f"/sessions/{closed.id}/summary" not in response.get_data(as_text=True)


def test_an_ended_room_is_409_and_points_to_the_summary(app, create_session, member, expert):
    ended = create_session(member, expert, status=Status.ENDED)
    response = client_for(app, expert).get(f"/sessions/{ended.id}/room")
    assert response.status_code == 409
    assert f'href="/sessions/{ended.id}/summary"' in response.get_data(as_text=True)


def test_live_rooms_open(app, create_session, member, expert):
    live = create_session(member, expert, status=Status.LIVE)
    assert client_for(app, member).get(f"/sessions/{live.id}/room").status_code == 200


def _end(app, session_id, by, minutes=25, reason="We covered everything."):
    with app.app_context():
        cs = db.session.get(CounselingSession, session_id)
        cs.status, cs.ended_by_id, cs.end_reason = Status.ENDED, by.id, reason
        cs.started_at = utcnow() - timedelta(minutes=minutes)
        cs.ended_at = cs.started_at + timedelta(minutes=minutes)
        db.session.commit()


def add_entries(app, session_id, *types):
    """Ledger rows seq 1..n of these types, written directly."""
    with app.app_context():
        for seq, kind in enumerate(types, start=1):
            db.session.add(
                LedgerEntry(
                    session_id=session_id, seq=seq, actor="member", type=kind, payload={"n": seq}
                )
            )
        db.session.get(CounselingSession, session_id).last_seq = len(types)
        db.session.commit()


@pytest.mark.parametrize(
    ("who", "role"), [("member", "member"), ("expert", "expert"), ("admin", "admin")]
)
def test_summary_context(app, s1, request, member, expert, who, role):
    _end(app, s1.id, by=expert)
    add_entries(app, s1.id, "SYS", "TXT", "TXT", "CAM", "FILE", "TXT", "END")
    add_file(app, s1, member)
    with rendered(app) as seen:
        response = client_for(app, request.getfixturevalue(who)).get(f"/sessions/{s1.id}/summary")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    context = dict(seen)["room/summary.html"]
    assert context["cs"].id == s1.id and context["role"] == role
    assert context["duration_seconds"] == 25 * 60
    assert context["ended_by"] == expert.name
    assert context["end_reason"] == "We covered everything."
    assert context["counts"] == {"chat": 3, "files": 1}


def test_ledger_returns_entries_after_n_in_order(app, s1, member):
    add_entries(app, s1.id, "SYS", "TXT", "CAM", "TXT", "END")
    client = client_for(app, member)
    body = client.get(f"/sessions/{s1.id}/ledger?after=2").json
    assert [(e["seq"], e["type"], e["from"]) for e in body["entries"]] == [
        (3, "CAM", "member"),
        (4, "TXT", "member"),
        (5, "END", "member"),
    ]
    assert all(e["ts"] and e["n"] == e["seq"] for e in body["entries"])
    assert len(client.get(f"/sessions/{s1.id}/ledger").json["entries"]) == 5
    assert client.get(f"/sessions/{s1.id}/ledger?after=5").json == {"entries": []}


@pytest.mark.parametrize("after", ["-1", "x", "1.5", "", "1e3", "99999999999999999999", " 1"])
def test_ledger_refuses_a_bad_after(app, s1, member, after):
    response = client_for(app, member).get(
        f"/sessions/{s1.id}/ledger", query_string={"after": after}
    )
    assert response.status_code == 400
    assert response.json["error"] == "bad-request"


def test_admin_ledger_reads_are_audited(app, s1, admin, member):
    add_entries(app, s1.id, "TXT")
    client_for(app, member).get(f"/sessions/{s1.id}/ledger")
    assert client_for(app, admin).get(f"/sessions/{s1.id}/ledger").status_code == 200
    assert [e for e in audit_events(app, "ledger")] == [
        ("ledger", "admin-read", f"session:{s1.id}")
    ]

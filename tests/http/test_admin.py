"""Admin review: the session list's filters and pages, the session detail, and its audit."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, LedgerEntry, SharedFile, Status
from tests.helpers.forms import login
from tests.helpers.roomkit import audit_events
from tests.helpers.web import post

XSS = "<img src=x onerror=alert(1)>"
TOPIC_LINK = re.compile(r'<a class="topic-link" href="[^"]+">([^<]*)</a>')


def _set(app, session_id: int, **values) -> None:
    with app.app_context():
        session = db.session.get(CounselingSession, session_id)
        for name, value in values.items():
            setattr(session, name, value)
        db.session.commit()


def _detail(app, client, session_id: int, *entries: tuple[str, str, dict]) -> str:
    """Store these ledger entries, then return the admin detail page of the session."""
    _ledger(app, session_id, *entries)
    return client.get(f"/admin/sessions/{session_id}").get_data(as_text=True)


def _ledger(app, session_id: int, *entries: tuple[str, str, dict]) -> None:
    with app.app_context():
        for seq, (actor, kind, payload) in enumerate(entries, start=1):
            db.session.add(
                LedgerEntry(
                    session_id=session_id,
                    seq=seq,
                    actor=actor,
                    type=kind,
                    payload=payload,
                    client_id=f"c{seq}" if kind == "TXT" else None,
                )
            )
        db.session.commit()


def _listed(page: str) -> list[str]:
    """The topics in the session table, top to bottom."""
    return TOPIC_LINK.findall(page)


@pytest.fixture
def catalogue(app, member, other_member, expert, other_expert, create_session):
    """Five sessions on five days with different people and statuses."""
    rows = [
        (member, expert, Status.REQUESTED, "alpha", 1),
        (member, other_expert, Status.ACCEPTED, "bravo", 2),
        (other_member, expert, Status.ENDED, "charlie", 3),
        (other_member, other_expert, Status.DECLINED, "delta", 4),
        (member, expert, Status.CANCELLED, "echo", 5),
    ]
    for who, whom, status, topic, day in rows:
        session = create_session(who, whom, status, topic=topic)
        _set(app, session.id, created_at=datetime(2025, 3, day, 12, tzinfo=UTC))
    return rows


@pytest.fixture
def admin_client(login_as, admin):
    return login_as(admin)


def _topics(client, query: str = "") -> list[str]:
    response = client.get(f"/admin/sessions{query}")
    assert response.status_code == 200
    return _listed(response.get_data(as_text=True))


def test_list_is_newest_first(admin_client, catalogue):
    assert _topics(admin_client) == ["echo", "delta", "charlie", "bravo", "alpha"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=ended", ["charlie"]),
        ("?status=requested", ["alpha"]),
        ("?member=MAX", ["delta", "charlie"]),
        ("?member=%25", []),
        ("?from=2025-03-02&to=2025-03-04", ["delta", "charlie", "bravo"]),
        ("?from=2025-03-05", ["echo"]),
        ("?to=2025-03-01", ["alpha"]),
        ("?status=accepted&member=mia", ["bravo"]),
    ],
)
def test_filters(admin_client, catalogue, query, expected):
    assert _topics(admin_client, query) == expected


def test_filter_by_expert(admin_client, catalogue, other_expert):
    assert _topics(admin_client, f"?expert={other_expert.id}") == ["delta", "bravo"]


def test_filter_by_member_email(admin_client, catalogue, member):
    assert _topics(admin_client, f"?member={member.email.upper()}") == ["echo", "bravo", "alpha"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?status=bogus", "There is no status “bogus”"),
        ("?expert=abc", "“abc” is not an expert"),
        ("?expert=-1", "“-1” is not an expert"),
        ("?from=yesterday", "The from date “yesterday” is not a date"),
        ("?to=2025-13-45", "The to date “2025-13-45” is not a date"),
        ("?from=2025-03-05&to=2025-03-01", "The from date is after the to date"),
    ],
)
def test_bad_filters_are_explained_not_errors(admin_client, catalogue, query, message):
    response = admin_client.get(f"/admin/sessions{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_bad_filter_text_is_escaped(admin_client, catalogue):
    page = admin_client.get("/admin/sessions?status=<b>x</b>").get_data(as_text=True)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_pagination_keeps_filters(app, admin_client, catalogue):
    app.config["ADMIN_PAGE_SIZE"] = 2
    assert _topics(admin_client) == ["echo", "delta"]
    assert _topics(admin_client, "?page=2") == ["charlie", "bravo"]
    assert _topics(admin_client, "?page=3") == ["alpha"]
    assert _topics(admin_client, "?page=4") == []
    assert _topics(admin_client, "?page=abc") == ["echo", "delta"]
    assert _topics(admin_client, "?page=0") == ["echo", "delta"]
    page = admin_client.get("/admin/sessions?member=mia&page=1").get_data(as_text=True)
    assert "page 1 of 2" in page
    assert 'href="/admin/sessions?page=2&amp;member=mia"' in page


def test_detail_shows_people_times_history_and_ledger(
    app, admin_client, member, expert, create_session
):
    session = create_session(member, expert, Status.ENDED)
    start = datetime(2025, 3, 1, 10, tzinfo=UTC)
    _set(
        app,
        session.id,
        accepted_at=start - timedelta(hours=1),
        started_at=start,
        ended_at=start + timedelta(minutes=42, seconds=5),
        ended_by_id=expert.id,
        end_reason="We covered everything",
    )
    page = _detail(
        app,
        admin_client,
        session.id,
        ("server", "SYS", {"event": "joined", "role": "member"}),
        ("member", "TXT", {"text": "Hello there"}),
        ("expert", "CAM", {"video": False, "audio": True}),
        (
            "member",
            "FILE",
            {"file_id": 7, "name": "notes.pdf", "size": 2048, "mime": "application/pdf"},
        ),
        ("server", "SYS", {"event": "left", "role": "member", "reason": "timeout"}),
        ("expert", "END", {"reason": "We covered everything"}),
    )
    for text in (
        "Mia Member",
        member.email,
        "Erin Expert",
        expert.email,
        "2025-03-01 09:00:00 UTC",
        "2025-03-01 10:00:00 UTC",
        "2025-03-01 10:42:05 UTC",
        "42m 05s",
        "We covered everything",
        "event: joined · role: member",
        "Hello there",
        "camera off, microphone on",
        "shared notes.pdf (2.0 KB, application/pdf)",
        'href="/files/7"',
        "event: left · role: member · reason: timeout",
        "ended the session: We covered everything",
    ):
        assert text in page, text
    seqs = [int(part.split('"')[0]) for part in page.split('data-seq="')[1:]]
    assert seqs == [1, 2, 3, 4, 5, 6]


def test_detail_shows_status_history_and_files(app, client, admin, member, expert, create_session):
    session = create_session(member, expert, Status.REQUESTED)
    expert_client = app.test_client()
    login(expert_client, expert)
    post(expert_client, f"/sessions/{session.id}/accept")
    with app.app_context():
        db.session.add(
            SharedFile(
                session_id=session.id,
                uploader_id=member.id,
                original_name=XSS,
                stored_name="abc123",
                mime="image/png",
                size=10,
                sha256="f" * 64,
            )
        )
        db.session.commit()
    login(client, admin)
    page = client.get(f"/admin/sessions/{session.id}").get_data(as_text=True)
    history = page.split('id="history"')[1].split("</section>")[0]
    assert "accepted" in history and "by Erin Expert" in history
    files = page.split('id="files"')[1]
    assert 'href="/files/1"' in files and XSS not in files
    assert "&lt;img src=x onerror=alert(1)&gt;" in files


def test_chat_markup_is_escaped(app, admin_client, member, expert, create_session):
    session = create_session(member, expert, Status.LIVE)
    page = _detail(
        app,
        admin_client,
        session.id,
        ("member", "TXT", {"text": XSS}),
        ("expert", "TXT", {"text": '"><svg onload=alert(2)>'}),
    )
    assert XSS not in page and "<svg" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_odd_payloads_render_as_text(app, admin_client, member, expert, create_session):
    session = create_session(member, expert, Status.LIVE)
    page = _detail(
        app,
        admin_client,
        session.id,
        ("member", "FILE", {"file_id": "7", "name": "x"}),
        ("server", "NEW", {"what": "<b>"}),
        ("member", "CAM", {"video": "yes"}),
    )
    assert 'href="/files/7"' not in page
    assert "{&#34;what&#34;: &#34;&lt;b&gt;&#34;}" in page
    assert "camera off, microphone off" in page


def test_viewing_a_session_is_audited(app, admin_client, admin, member, expert, create_session):
    session = create_session(member, expert)
    admin_client.get("/admin/sessions")
    assert ("admin.view_session", "success", f"session:{session.id}") not in audit_events(app)
    admin_client.get(f"/admin/sessions/{session.id}")
    assert audit_events(app)[-1] == ("admin.view_session", "success", f"session:{session.id}")


def test_unknown_session_is_404(admin_client):
    assert admin_client.get("/admin/sessions/999").status_code == 404


def test_member_denied_admin_page_is_audited(app, login_as, member):
    assert login_as(member).get("/admin/sessions").status_code == 403
    assert audit_events(app)[-1] == ("access", "denied", "role:admin")

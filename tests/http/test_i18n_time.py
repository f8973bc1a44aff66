"""Time zones: proposed at registration, changed in /settings, used for every time shown."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from counsel.extensions import db
from counsel.models import CounselingSession, Role, Status, User
from tests.helpers.forms import csrf_token, login
from tests.helpers.web import load

KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}
REGISTER = {"name": "Nia Newcomer", "email": "nia@example.com", "password": "a long password"}
AT = datetime(2025, 3, 1, 10, 42, 5, tzinfo=UTC)
NB = "\u202f"  # CLDR puts a narrow no-break space between the time and AM/PM


def register(client, **fields: str):
    data = {**REGISTER, "csrf_token": csrf_token(client, "/register"), **fields}
    return client.post("/register", data=data)


def registered(app) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == REGISTER["email"]))
        db.session.expunge(user)
        return user


def test_the_register_page_asks_the_browser_for_its_zone(client):
    page = client.get("/register").get_data(as_text=True)
    assert '<input id="timezone" name="timezone" type="hidden" value="">' in page
    assert 'src="/static/js/timezone.js"' in page


@pytest.mark.parametrize("zone", ["Asia/Seoul", "America/Los_Angeles", "UTC"])
def test_registration_keeps_a_real_zone(app, client, zone):
    assert register(client, timezone=zone).status_code == 302
    assert registered(app).timezone == zone
    page = client.get("/").get_data(as_text=True)
    assert "times are in UTC" not in page


@pytest.mark.parametrize(
    ("zone", "note"),
    [
        ("Mars/Olympus_Mons", "We do not know the time zone your browser gave"),
        ("../../etc/passwd", "We do not know the time zone your browser gave"),
        ("x" * 300, "We do not know the time zone your browser gave"),
        ("", "Your browser did not tell us its time zone"),
    ],
)
def test_registration_replaces_an_unknown_zone_by_utc_and_says_so(app, client, zone, note):
    response = register(client, timezone=zone)
    assert response.status_code == 302
    assert registered(app).timezone == "UTC"
    page = client.get("/").get_data(as_text=True)
    assert note in page and "times are in UTC" in page


def test_the_settings_page_shows_the_saved_choices(app, client, create_user):
    user = create_user(Role.MEMBER, timezone="Asia/Seoul", language="ko")
    login(client, user)
    page = client.get("/settings").get_data(as_text=True)
    assert '<option selected value="Asia/Seoul">Asia/Seoul</option>' in page
    assert '<option lang="ko" selected value="ko">한국어</option>' in page


def test_settings_save_zone_and_language(app, client, member):
    login(client, member)
    data = {"timezone": "Asia/Seoul", "language": "ko", "csrf_token": csrf_token(client, "/")}
    response = client.post("/settings", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "설정을 저장했어요." in response.get_data(as_text=True)
    saved = load(app, User, member.id)
    assert (saved.timezone, saved.language) == ("Asia/Seoul", "ko")
    data.update(language="", timezone="UTC")
    client.post("/settings", data=data)
    saved = load(app, User, member.id)
    assert (saved.timezone, saved.language) == ("UTC", None)


@pytest.mark.parametrize(
    "change",
    [
        {"timezone": "Mars/Olympus_Mons"},
        {"timezone": ""},
        {"language": "fr"},
        {"csrf_token": "forged"},
    ],
)
def test_bad_settings_are_refused_and_change_nothing(app, client, member, change):
    login(client, member)
    data = {"timezone": "Asia/Seoul", "language": "ko", "csrf_token": csrf_token(client, "/")}
    response = client.post("/settings", data={**data, **change})
    assert response.status_code == 400
    saved = load(app, User, member.id)
    assert (saved.timezone, saved.language) == ("UTC", None)


def test_settings_need_a_login(client):
    response = client.get("/settings")
    assert response.status_code == 302 and "/login" in response.location


# --- the same session seen from two zones ----------------------------------------------


@pytest.fixture
def two_zones(app, create_user, create_session):
    """A member in Seoul and an expert in Los Angeles with one session requested at AT."""
    member = create_user(Role.MEMBER, "Mia Member", timezone="Asia/Seoul")
    expert = create_user(Role.EXPERT, "Erin Expert", timezone="America/Los_Angeles")
    session = create_session(member, expert, Status.REQUESTED)
    with app.app_context():
        db.session.execute(
            update(CounselingSession)
            .where(CounselingSession.id == session.id)
            .values(created_at=AT)
        )
        db.session.commit()
    return member, expert


def page_of(app, user: User, path: str = "/", headers: dict | None = None) -> str:
    client = app.test_client()
    login(client, user)
    return client.get(path, headers=headers or {}).get_data(as_text=True)


def test_each_person_sees_the_request_time_in_their_own_zone(app, two_zones):
    member, expert = two_zones
    member_page = page_of(app, member)
    expert_page = page_of(app, expert)
    assert f"requested Mar 1, 2025, 7:42{NB}PM" in member_page  # 10:42 UTC in Seoul
    assert f"requested Mar 1, 2025, 2:42{NB}AM" in expert_page  # and in Los Angeles
    assert f"7:42{NB}PM" not in expert_page and f"2:42{NB}AM" not in member_page
    assert 'datetime="2025-03-01T10:42:05+00:00"' in member_page


def test_the_korean_page_uses_korean_formats(app, two_zones):
    member, expert = two_zones
    assert "요청 2025. 3. 1. 오후 7:42" in page_of(app, member, headers=KOREAN)
    assert "요청 2025. 3. 1. 오전 2:42" in page_of(app, expert, headers=KOREAN)


def test_the_dashboards_say_how_long_ago(app, two_zones, create_session):
    member, expert = two_zones
    recent = create_session(member, expert, Status.REQUESTED, topic="Just now")
    with app.app_context():
        ten_minutes_ago = datetime.now(UTC) - timedelta(minutes=10, seconds=5)
        db.session.execute(
            update(CounselingSession)
            .where(CounselingSession.id == recent.id)
            .values(created_at=ten_minutes_ago)
        )
        db.session.commit()
    assert "10 minutes ago" in page_of(app, expert)
    assert "10분 전" in page_of(app, expert, headers=KOREAN)


def test_admin_review_shows_seconds_in_the_admins_zone_and_utc_in_the_title(
    app, create_user, two_zones
):
    admin = create_user(Role.ADMIN, timezone="Asia/Seoul")
    with app.app_context():
        session_id = db.session.scalar(select(CounselingSession.id))
    for path in ("/admin/sessions", f"/admin/sessions/{session_id}"):
        page = page_of(app, admin, path)
        expected = (
            '<time datetime="2025-03-01T10:42:05+00:00" title="2025-03-01 10:42:05 UTC">'
            f"Mar 1, 2025, 7:42:05{NB}PM</time>"
        )
        assert expected in page, path

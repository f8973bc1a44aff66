"""Korean and English: which language a page speaks, the switcher, every page in both."""

import json
import re
from pathlib import Path

import pytest

from counsel import create_app
from counsel.extensions import db
from counsel.models import Role, Status, User
from tests.helpers.apps import make_app
from tests.helpers.forms import csrf_token, login
from tests.helpers.web import load

KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.8"}


def html_lang(response) -> str:
    """The page's <html lang>."""
    match = re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True))
    assert match, "no <html lang>"
    return match.group(1)


def switch(client, language: str, next_url: str = "/login", token: str | None = None):
    """Press a button of the language switcher, the way the page's plain form does."""
    data = {"language": language, "next": next_url}
    data["csrf_token"] = csrf_token(client, "/login") if token is None else token
    return client.post("/language", data=data)


def saved_language(app, user: User) -> str | None:
    return load(app, User, user.id).language


def test_english_is_the_default(client):
    response = client.get("/login")
    assert html_lang(response) == "en"
    assert "Log in" in response.get_data(as_text=True)


def test_accept_language_picks_korean(client):
    response = client.get("/login", headers=KOREAN)
    assert html_lang(response) == "ko"
    assert "로그인" in response.get_data(as_text=True)


def test_a_language_counsel_does_not_speak_falls_back_to_the_default(app, client):
    assert html_lang(client.get("/login", headers={"Accept-Language": "fr-FR,de;q=0.5"})) == "en"
    app.config["DEFAULT_LANGUAGE"] = "ko"
    assert html_lang(client.get("/login", headers={"Accept-Language": "fr-FR"})) == "ko"


def test_an_unknown_default_language_is_refused_at_start(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="COUNSEL_DEFAULT_LANGUAGE"):
        make_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, DEFAULT_LANGUAGE="fr")
    monkeypatch.setenv("COUNSEL_DEFAULT_LANGUAGE", "fr")
    with pytest.raises(ValueError, match="COUNSEL_DEFAULT_LANGUAGE"):
        create_app()


def test_the_cookie_beats_accept_language(client):
    response = switch(client, "ko")
    assert response.status_code == 302
    assert html_lang(client.get("/login", headers=ENGLISH)) == "ko"
    switch(client, "en")
    assert html_lang(client.get("/login", headers=KOREAN)) == "en"


def test_the_saved_choice_beats_the_cookie_and_accept_language(app, client, create_user):
    user = create_user(Role.MEMBER, language="ko")
    login(client, user)
    client.set_cookie("lang", "en")
    response = client.get("/", headers=ENGLISH)
    assert html_lang(response) == "ko"
    assert "내 상담" in response.get_data(as_text=True)


def test_a_garbage_cookie_is_ignored(client):
    client.set_cookie("lang", "<script>")
    assert html_lang(client.get("/login", headers=KOREAN)) == "ko"
    assert html_lang(client.get("/login")) == "en"


def test_the_switch_works_logged_out_and_sets_a_cookie(client):
    response = switch(client, "ko", "/register")
    assert response.status_code == 302 and response.location == "/register"
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "ko" and cookie.http_only
    assert "계정 만들기" in client.get("/register").get_data(as_text=True)


def test_the_switch_saves_the_choice_of_a_logged_in_person(app, client, member):
    login(client, member)
    assert saved_language(app, member) is None
    assert switch(client, "ko", "/", csrf_token(client, "/")).status_code == 302
    assert saved_language(app, member) == "ko"
    client.delete_cookie("lang")
    assert html_lang(client.get("/", headers=ENGLISH)) == "ko"


def test_the_switch_needs_the_csrf_token(app, client, member):
    login(client, member)
    response = client.post("/language", data={"language": "ko", "next": "/"})
    assert response.status_code == 400
    assert saved_language(app, member) is None
    assert client.get_cookie("lang") is None


@pytest.mark.parametrize("language", ["fr", "", "KO", "ko-KR", "en; lang=ko"])
def test_a_language_other_than_ko_or_en_is_400_and_changes_nothing(app, client, member, language):
    login(client, member)
    response = switch(client, language, "/", csrf_token(client, "/"))
    assert response.status_code == 400
    assert "ko" in response.get_data(as_text=True)
    assert saved_language(app, member) is None
    assert client.get_cookie("lang") is None


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"]
)
def test_an_unsafe_next_is_ignored(client, unsafe):
    response = switch(client, "ko", unsafe)
    assert response.status_code == 302
    assert response.location == "/"


def test_every_page_has_the_switcher_form(client):
    page = client.get("/login").get_data(as_text=True)
    form = re.search(r'<form id="lang-switch"[^>]*>(.*?)</form>', page, re.S)
    assert form, "no #lang-switch form"
    assert 'method="post"' in form.group(0) and 'action="/language"' in form.group(0)
    assert 'aria-label="Language"' in form.group(0)
    buttons = re.findall(r'<button type="submit" name="language" value="(\w+)"', form.group(1))
    assert buttons == ["ko", "en"]
    assert 'name="csrf_token"' in form.group(1) and 'name="next" value="/login?"' in form.group(1)


# --- every main page as each role, in both languages --------------------------------------

PAGES = {
    None: ["/login", "/register"],
    "member": ["/", "/settings", "/sessions/{room}/room", "/sessions/{ended}/summary"],
    "expert": ["/", "/settings", "/sessions/{room}/room", "/sessions/{ended}/summary"],
    "admin": ["/admin/sessions", "/admin/sessions/{ended}", "/admin/experts", "/settings"],
}
# A string only the Korean page has, per path, and its English twin.
KNOWN = {
    "/login": ("로그인", "Log in"),
    "/register": ("계정 만들기", "Create your account"),
    "/": ("내 상담", "Your sessions"),
    "/settings": ("시간대", "Time zone"),
    "/sessions/{room}/room": ("상담 종료", "End session"),
    "/sessions/{ended}/summary": ("상담 요약", "Session summary"),
    "/admin/sessions": ("상담 목록", "Sessions"),
    "/admin/sessions/{ended}": ("상태 기록", "Status history"),
    "/admin/experts": ("새 상담사 계정", "New expert account"),
}


@pytest.fixture
def people(member, expert, admin, create_session) -> dict:
    """Everyone, with a room to open and an ended session to review."""
    room = create_session(member, expert, Status.ACCEPTED, topic="Sleep")
    ended = create_session(member, expert, Status.ENDED, topic="Work")
    create_session(member, expert, Status.REQUESTED, topic="Family")
    return {"member": member, "expert": expert, "admin": admin, "room": room, "ended": ended}


@pytest.mark.parametrize("role", list(PAGES))
@pytest.mark.parametrize(("headers", "language"), [(KOREAN, "ko"), (ENGLISH, "en")])
def test_every_page_in_both_languages(app, people, role, headers, language):
    client = app.test_client()
    if role:
        login(client, people[role])
    for pattern in PAGES[role]:
        path = pattern.format(room=people["room"].id, ended=people["ended"].id)
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert html_lang(response) == language, path
        korean, english = KNOWN[pattern]
        page = response.get_data(as_text=True)
        assert (korean if language == "ko" else english) in page, path
        if language == "ko":
            assert english not in page.replace("Counsel", ""), (path, english)


def test_korean_dashboards_say_counselor_and_client(app, people):
    member = app.test_client()
    login(member, people["member"])
    page = member.get("/", headers=KOREAN).get_data(as_text=True)
    assert "상담사 소개" in page and "상담 요청" in page and "취소" in page
    expert = app.test_client()
    login(expert, people["expert"])
    page = expert.get("/", headers=KOREAN).get_data(as_text=True)
    assert "수락" in page and "거절" in page and "상담실 입장" in page
    assert "· 상담사" in page  # the role in the top bar


def test_flash_messages_and_form_errors_are_translated(app, client, people):
    login(client, people["member"])
    token = csrf_token(client, "/")
    data = {"expert_id": people["expert"].id, "topic": "", "csrf_token": token}
    page = client.post("/sessions", data=data, headers=KOREAN).get_data(as_text=True)
    assert "이 항목은 필수입니다." in page  # WTForms' own Korean catalogue
    data["topic"] = "잠이 안 와요"
    response = client.post("/sessions", data=data, headers=KOREAN, follow_redirects=True)
    assert "상담사에게 상담을 요청했어요" in response.get_data(as_text=True)


def test_json_error_messages_are_translated(app, client, people):
    login(client, people["member"])
    english = client.get("/sessions/999/ice").get_json()
    korean = client.get("/sessions/999/ice", headers=KOREAN).get_json()
    assert english == {"error": "not-found", "message": "No such session."}
    assert korean == {"error": "not-found", "message": "없는 상담이에요."}


def test_the_room_embeds_its_strings_as_json_data(app, client, people):
    login(client, people["expert"])
    path = f"/sessions/{people['room'].id}/room"
    page = client.get(path, headers=KOREAN).get_data(as_text=True)
    match = re.search(
        r'<script type="application/json" id="i18n-catalogue">(.*?)</script>', page, re.S
    )
    assert match, "no catalogue"
    data = json.loads(match.group(1))
    assert data["locale"] == "ko" and data["timeZone"] == "UTC"
    assert data["messages"]["Connected with {name}"] == "{name} 님과 연결되었어요"
    assert data["messages"]["Turn camera off"] == "카메라 끄기"
    assert all(data["messages"].values())


def test_the_login_redirect_and_error_pages_speak_korean(app, client, people):
    response = client.get("/", headers=KOREAN, follow_redirects=True)
    assert "계속하려면 로그인해 주세요." in response.get_data(as_text=True)
    login(client, people["member"])
    response = client.get("/sessions/999/room", headers=KOREAN)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "찾을 수 없어요" in page and "없는 상담이에요." in page
    closed = client.get(f"/sessions/{people['ended'].id}/room", headers=KOREAN)
    assert closed.status_code == 409 and "상담 요약 보기" in closed.get_data(as_text=True)


def test_a_person_whose_row_left_the_session_falls_back_to_the_browser(app, member):
    # A call socket's greenlet holds the login after its database session is gone.
    from flask_login import login_user

    from counsel.i18n import select_language, select_timezone

    with app.test_request_context("/ertc", headers=KOREAN):
        user = db.session.get(User, member.id)
        user.language = "en"
        login_user(user)
        db.session.commit()  # expires the row
        db.session.remove()  # and detaches it
        assert select_language() == "ko"
        assert select_timezone() == "UTC"


def test_the_language_cookie_is_secure_over_https(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'https.db'}", tmp_path, HTTPS=True)
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/language",
        data={"language": "ko", "next": "/login", "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 302
    [cookie] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("lang=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_werkzeugs_own_errors_are_said_in_the_pages_language(client):
    english = client.get("/no/such/page").get_data(as_text=True)
    korean = client.get("/no/such/page", headers=KOREAN).get_data(as_text=True)
    assert "There is nothing at this address." in english
    assert "이 주소에는 아무것도 없어요." in korean and "requested URL" not in korean


def test_a_json_error_still_speaks_when_the_database_is_gone(app, client, member):
    login(client, member)
    with app.app_context():
        db.engine.dispose()
    Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).unlink()
    response = client.get("/sessions/1/ice", headers=KOREAN)
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "server-error",
        "message": "저희 쪽에서 문제가 생겼어요.",
    }

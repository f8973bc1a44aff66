"""The Korean room end to end: a call, chat typed through an input method, the end."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, ExpertProfile, Role, Status, User
from tests.helpers.browser import Person
from tests.helpers.people import PASSWORD, PASSWORD_HASH

pytestmark = pytest.mark.browser

# The counselor chose Korean and Seoul; the client's browser asks for Korean and lives in LA.
COUNSELOR = ("expert", "sangdam@browser.test", "김상담", "ko", "Asia/Seoul")
CLIENT = ("member", "naedam@browser.test", "이내담", None, "America/Los_Angeles")


def _add_user(role: str, email: str, name: str, language: str | None, zone: str) -> None:
    user = User(
        email=email,
        name=name,
        role=Role(role),
        password_hash=PASSWORD_HASH,
        language=language,
        timezone=zone,
    )
    if user.role is Role.EXPERT:
        user.profile = ExpertProfile(display_name=name, specialty="불안과 스트레스")
    db.session.add(user)


@pytest.fixture(scope="module")
def korean_session(seeder) -> int:
    """An accepted session between the Korean counselor and client."""
    with seeder.app.app_context():
        for person in (COUNSELOR, CLIENT):
            _add_user(*person)
        db.session.flush()
        ids = {u.email: u.id for u in db.session.query(User).filter(User.email.like("%@browser%"))}
        cs = CounselingSession(
            member_id=ids[CLIENT[1]],
            expert_id=ids[COUNSELOR[1]],
            topic="잠을 잘 못 자요",
            status=Status.ACCEPTED,
        )
        db.session.add(cs)
        db.session.commit()
        return cs.id


@pytest.fixture
def korean(browser, live, korean_session, request):
    """korean(person) -> that person logged in through the Korean login page."""
    opened: list[Person] = []
    request.node.people = opened

    def _open(person: tuple) -> Person:
        _role, email, *_ = person
        context = browser.new_context(
            base_url=live.url,
            locale="ko-KR",
            timezone_id=person[4],
            permissions=["camera", "microphone"],
        )
        someone = Person(email.split("@")[0], context)
        opened.append(someone)
        page = someone.page
        page.goto("/login")
        assert page.get_attribute("html", "lang") == "ko"
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        return someone

    yield _open
    for someone in opened:
        someone.close()


def compose(page, syllables: list[str]) -> None:
    """Type Hangul the way an input method does: each keystroke replaces the composition."""
    cdp = page.context.new_cdp_session(page)
    for text in syllables:
        cdp.send(
            "Input.imeSetComposition",
            {"text": text, "selectionStart": len(text), "selectionEnd": len(text)},
        )


def commit(page, text: str) -> None:
    """End the composition with its final text, as the input method does."""
    page.context.new_cdp_session(page).send("Input.insertText", {"text": text})


def korean_clock(ts: str, zone: str) -> str:
    """What Intl.DateTimeFormat("ko", {hour: "numeric", minute: "2-digit"}) shows in a zone."""
    local = datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{'오전' if local.hour < 12 else '오후'} {local.hour % 12 or 12}:{local.minute:02d}"


def test_korean_room_call_chat_with_an_input_method_and_end(korean, korean_session, seeder):
    counselor, client = korean(COUNSELOR), korean(CLIENT)
    for someone in (counselor, client):
        someone.open_room(korean_session)
    for someone in (counselor, client):
        someone.wait_connected()
        assert someone.page.get_attribute("html", "lang") == "ko"
    assert client.page.text_content("#call-status .status-text") == "김상담 님과 연결되었어요"
    assert counselor.page.text_content("#peer-presence") == "이내담 님이 들어와 있어요"
    assert counselor.page.text_content("#camera-toggle .label") == "카메라 끄기"
    assert counselor.page.text_content("#mic-toggle .label") == "마이크 끄기"

    page = client.page
    page.focus("#chat-input")
    commit(page, "안녕하세요, ")
    compose(page, ["ㅅ", "사", "상"])
    page.keyboard.press("Enter")  # mid-composition: commits nothing, sends nothing
    page.wait_for_timeout(700)
    assert client.chat_rows() == [] and counselor.chat_rows() == []
    commit(page, "상")
    compose(page, ["ㄷ", "다", "담"])
    commit(page, "담")
    assert page.input_value("#chat-input") == "안녕하세요, 상담"
    page.keyboard.press("Enter")  # composition over: this Enter sends the line
    counselor.wait_for_line("안녕하세요, 상담")
    client.wait_for_line("안녕하세요, 상담")
    page.wait_for_timeout(500)
    for someone in (counselor, client):
        assert [row["text"] for row in someone.chat_rows()] == ["안녕하세요, 상담"]
    assert page.input_value("#chat-input") == ""

    # The same line's time, in each person's own zone and in Korean.
    for someone, zone in ((counselor, "Asia/Seoul"), (client, "America/Los_Angeles")):
        time = someone.page.locator("#chat-log li time").first
        assert time.text_content() == korean_clock(time.get_attribute("datetime"), zone)
    assert client.page.text_content("#chat-log .who") == "나"

    counselor.page.click("#end-button")
    counselor.page.fill("#end-reason", "오늘은 여기까지 해요")
    counselor.page.click("#end-confirm")
    for someone in (counselor, client):
        someone.page.wait_for_url(f"**/sessions/{korean_session}/summary")
        assert someone.page.text_content("h1") == "상담 요약"
    assert seeder.status(korean_session) == "ended"


def test_registration_proposes_the_browsers_zone(browser, live):
    context = browser.new_context(base_url=live.url, timezone_id="Asia/Seoul", locale="ko-KR")
    try:
        page = context.new_page()
        page.goto("/register")
        page.wait_for_function("() => document.querySelector('#timezone').value !== ''")
        assert page.input_value("#timezone") == "Asia/Seoul"
        assert page.text_content("h1") == "계정 만들기"
    finally:
        context.close()

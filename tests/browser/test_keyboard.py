"""The whole member story and the whole expert story with the keyboard alone: no clicks."""

from collections.abc import Callable, Iterator

import pytest

from tests.browser.a11y_checks import FOCUS_RING
from tests.helpers.browser import Person
from tests.helpers.calls import PEOPLE
from tests.helpers.people import PASSWORD

pytestmark = pytest.mark.browser

TOPIC = "Talking it through by keyboard"
FOCUSED = "(selector) => Boolean(document.activeElement?.matches(selector))"
# The focused control is the one labelled `label` in the session row about `topic`.
IN_ROW = """({topic, label}) => {
  const el = document.activeElement;
  const row = el && el.closest(".session-row");
  return Boolean(row && row.querySelector(".topic").textContent.trim() === topic
                 && el.textContent.trim() === label);
}"""


@pytest.fixture
def visitor(request, browser, live) -> Iterator[Callable[[str], Person]]:
    """visitor(who) -> a logged-out browser with camera and microphone allowed."""
    opened: list[Person] = []
    request.node.people = opened

    def _open(who: str) -> Person:
        context = browser.new_context(base_url=live.url, permissions=["camera", "microphone"])
        opened.append(Person(who, context))
        return opened[-1]

    yield _open
    for someone in opened:
        someone.close()


def tab_to(page, predicate: str, arg: object = None, back: bool = False, limit: int = 200):
    """Press Tab (Shift+Tab with back) until the focused element satisfies the predicate."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(predicate, arg):
            ring = page.evaluate(FOCUS_RING)
            assert ring["width"] >= 2, f"no visible focus on {ring['id']}"
            return
    raise AssertionError(f"{limit} presses of {key} never reached {arg or predicate}")


def log_in(someone: Person) -> None:
    """Fill the login form from the keyboard and submit it with Enter."""
    page = someone.page
    page.goto("/login")
    tab_to(page, FOCUSED, "#email")
    page.keyboard.type(PEOPLE[someone.who][1])
    tab_to(page, FOCUSED, "#password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def request_session(member: Person) -> None:
    """From the expert directory to a sent request."""
    page = member.page
    tab_to(page, FOCUSED, ".directory a[href*='#request']")
    page.keyboard.press("Enter")
    page.wait_for_url("**#request")
    tab_to(page, FOCUSED, "#topic")
    page.keyboard.type(TOPIC)
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-info")


def press_in_row(someone: Person, label: str, key: str = "Enter") -> None:
    """Reach the control `label` of this story's session row and press it."""
    tab_to(someone.page, IN_ROW, {"topic": TOPIC, "label": label})
    someone.page.keyboard.press(key)


def test_member_and_expert_stories_by_keyboard(visitor, seeder):
    member, expert = visitor("member"), visitor("expert")
    log_in(member)
    request_session(member)
    log_in(expert)
    press_in_row(expert, "Accept")
    expert.page.wait_for_selector(".flash-info")
    press_in_row(expert, "Join room")
    expert.page.wait_for_url("**/room")
    # The member's dashboard, freshly loaded from the brand link, now offers the room.
    tab_to(member.page, FOCUSED, ".brand")
    with member.page.expect_navigation():
        member.page.keyboard.press("Enter")
    press_in_row(member, "Join room")
    member.page.wait_for_url("**/room")
    for each in (member, expert):
        each.wait_connected()

    tab_to(member.page, FOCUSED, "#chat-input")
    member.page.keyboard.type("Typed without a mouse")
    member.page.keyboard.press("Enter")
    expert.wait_for_line("Typed without a mouse")

    tab_to(member.page, FOCUSED, "#camera-toggle", back=True)
    member.page.keyboard.press("Space")
    assert member.page.get_attribute("#camera-toggle", "aria-pressed") == "true"
    expert.page.wait_for_selector("#remote-tile[data-camera=off]")
    tab_to(expert.page, FOCUSED, "#mic-toggle")
    expert.page.keyboard.press("Enter")
    assert expert.page.get_attribute("#mic-toggle", "aria-pressed") == "true"
    member.page.wait_for_selector("#remote-tile[data-mic=off]")

    tab_to(member.page, FOCUSED, "#end-button")
    member.page.keyboard.press("Enter")
    assert member.page.evaluate("() => document.getElementById('end-dialog').open")
    assert member.page.evaluate(FOCUSED, "#end-dialog *")
    tab_to(member.page, FOCUSED, "#end-reason", back=True)
    member.page.keyboard.type("We said what we needed to")
    tab_to(member.page, FOCUSED, "#end-confirm")
    member.page.keyboard.press("Enter")
    for each in (member, expert):
        each.page.wait_for_url("**/summary")
        assert each.page.text_content("#summary-ended-by").strip() == PEOPLE["member"][2]
    assert member.page.text_content("#summary-reason").strip() == "We said what we needed to"


def test_escape_closes_the_end_dialog_and_the_call_goes_on(call):
    expert, member, session_id = call
    tab_to(member.page, FOCUSED, "#end-button")
    member.page.keyboard.press("Enter")
    assert member.page.evaluate("() => document.getElementById('end-dialog').open")
    member.page.keyboard.press("Escape")
    assert not member.page.evaluate("() => document.getElementById('end-dialog').open")
    assert member.page.evaluate("() => document.activeElement.id") == "end-button"
    member.say("Still here")
    expert.wait_for_line("Still here")
    assert member.state() == "connected"

"""WCAG 2.2 AA: axe-core on every page and room state, focus, live regions, targets, errors."""

import re
from collections.abc import Callable, Iterator

import pytest

from counsel.extensions import db
from counsel.models import Role, Status, User
from tests.browser.a11y_checks import (
    FOCUS_RING,
    OBSCURED,
    SMALL_TARGETS,
    contrast,
    hex_rgb,
    parse_rgb,
)
from tests.browser.axe import assert_accessible
from tests.helpers.browser import Person
from tests.helpers.people import PASSWORD, PASSWORD_HASH

pytestmark = pytest.mark.browser

ADMIN = ("a11y-admin@browser.test", "Ada Admin")
PHONE = {"width": 390, "height": 700}


@pytest.fixture(scope="module")
def admin_login(browser, live, seeder) -> dict:
    """An admin, logged in once through the form; returns the cookies."""
    with seeder.app.app_context():
        user = User(email=ADMIN[0], name=ADMIN[1], role=Role.ADMIN, password_hash=PASSWORD_HASH)
        db.session.add(user)
        db.session.commit()
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", ADMIN[0])
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def viewer(request, browser, live, logins, admin_login) -> Iterator[Callable[..., Person]]:
    """viewer(who) -> a context that lets axe in (bypass_csp); who=None is logged out."""
    opened: list[Person] = []
    request.node.people = opened
    states = {**logins, "admin": admin_login}

    def _open(who: str | None = None, **options) -> Person:
        context = browser.new_context(
            base_url=live.url,
            storage_state=states[who] if who else None,
            bypass_csp=True,
            permissions=["camera", "microphone"],
            **options,
        )
        opened.append(Person(who or "visitor", context))
        return opened[-1]

    yield _open
    for someone in opened:
        someone.close()


def ended_session(seeder, topic: str = "Sleep and worry") -> int:
    """A past session between the expert and the member."""
    return seeder.new_session(Status.ENDED, topic=topic)


@pytest.fixture(scope="module")
def board(seeder) -> dict[str, int]:
    """One session in each state the dashboards list, so every kind of row is checked."""
    accepted = seeder.accepted_session(topic="Work stress")
    requested = seeder.new_session(Status.REQUESTED, topic="New job")
    return {"accepted": accepted, "requested": requested, "ended": ended_session(seeder)}


PAGES = [
    (None, "/login", "login"),
    (None, "/register", "register"),
    ("member", "/", "member dashboard"),
    ("expert", "/", "expert dashboard"),
    ("admin", "/admin/sessions", "admin session list"),
    ("admin", "/admin/sessions/{ended}", "admin session detail"),
    ("admin", "/admin/experts", "admin experts"),
    ("member", "/settings", "settings"),
    ("member", "/sessions/{ended}/summary", "summary"),
    ("member", "/admin/sessions", "403 page"),
    ("member", "/sessions/987654/room", "404 page"),
]


# GET routes that answer with something other than an HTML page of ours.
NOT_PAGES = {"static", "files.download"}


def test_every_page_of_the_app_is_checked(seeder):
    """A new page must join PAGES (the room has its own tests): axe then checks it too."""
    app = seeder.app
    adapter = app.url_map.bind("localhost")
    checked = {adapter.match(path.format(ended=1))[0] for _, path, _ in PAGES} | {"room.room"}
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint not in NOT_PAGES
        and not getattr(app.view_functions[rule.endpoint], "json_errors", False)
    }
    assert pages - checked == set()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["laptop", "phone"])
@pytest.mark.parametrize(("who", "path", "name"), PAGES, ids=[p[2] for p in PAGES])
def test_page_passes_axe_and_has_24px_targets(viewer, board, who, path, name, viewport):
    options = {"viewport": viewport} if viewport else {}
    page = viewer(who, **options).page
    response = page.goto(path.format(**board))
    expected = 403 if name == "403 page" else 404 if name == "404 page" else 200
    assert response.status == expected
    assert_accessible(page, name)
    assert page.evaluate(SMALL_TARGETS, "body") == []


def test_form_errors_have_no_serious_axe_violation(viewer):
    page = viewer(None, viewport=PHONE).page
    page.goto("/register")
    page.click("form button[type=submit]")
    page.wait_for_selector("[aria-invalid=true]")
    assert_accessible(page, "register with errors")
    page.goto("/login")
    page.fill("#email", "nobody@browser.test")
    page.fill("#password", "wrong password")
    page.click("form button[type=submit]")
    page.wait_for_selector(".flash-error")
    assert_accessible(page, "login refused")


def hold_summary(person: Person, session_id: int) -> None:
    """Answer the summary page with 204 so the room stays on screen in its ended state."""
    summary = f"**/sessions/{session_id}/summary"
    person.context.route(summary, lambda route: route.fulfill(status=204))


def test_room_in_every_state_has_no_serious_axe_violation(viewer, seeder):
    session_id = seeder.accepted_session(topic="Every state")
    expert, member = viewer("expert"), viewer("member")
    for each in (expert, member):
        hold_summary(each, session_id)
    expert.open_room(session_id)
    expert.page.wait_for_selector("#call-status[data-state=waiting]")
    assert_accessible(expert.page, "room, expert waiting")
    member.open_room(session_id)
    for each in (expert, member):
        each.wait_connected()
        assert_accessible(each.page, f"room, {each.who} connected")
    member.page.set_viewport_size(PHONE)
    assert_accessible(member.page, "room on a phone, member connected")
    # Enough lines for the log to scroll: a scroller must be reachable by keyboard.
    for n in range(1, 26):
        member.say(f"Line {n} for the record")
    expert.wait_for_line("Line 25 for the record")
    member.wait_for_line("Line 25 for the record")
    assert expert.page.evaluate(
        "() => { const log = document.getElementById('chat-log');"
        " return log.scrollHeight > log.clientHeight; }"
    )
    for each in (expert, member):
        assert_accessible(each.page, f"room, {each.who} with a scrolling chat")
    member.page.click("#end-button")
    assert_accessible(member.page, "room, member's end dialog")
    member.page.click("#end-confirm")
    for each in (expert, member):
        each.page.wait_for_selector("#call-status[data-state=ended]")
        assert_accessible(each.page, f"room, {each.who} ended")
    # What the call left behind: the member's summary and the admin's review of its ledger.
    summary = viewer("member").page
    summary.goto(f"/sessions/{session_id}/summary")
    assert summary.text_content("#summary-chat").strip() == "25"
    assert_accessible(summary, "summary of a real call")
    review = viewer("admin").page
    review.goto(f"/admin/sessions/{session_id}")
    assert review.locator(".transcript .entry-txt").count() == 25
    assert_accessible(review, "admin detail of a real call")


def test_room_waiting_and_connecting_for_the_member(viewer, seeder):
    session_id = seeder.accepted_session(topic="Before the call")
    member = viewer("member")
    member.open_room(session_id)
    member.page.wait_for_selector("#call-status[data-state=waiting]")
    assert_accessible(member.page, "room, member waiting")
    # A socket that never answers keeps the page where it starts: connecting.
    held = viewer("member")
    held.context.route_web_socket(re.compile(r"/ertc"), lambda socket: None)
    held.open_room(session_id)
    held.page.wait_for_selector("#call-status[data-state=connecting]")
    assert_accessible(held.page, "room, member connecting")


def test_room_live_regions_and_toggles(call):
    expert, member, _ = call
    page = member.page
    status = page.locator("#call-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    log = page.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite"
    assert log.locator("#chat-log").count() == 1
    for button in ("#camera-toggle", "#mic-toggle"):
        assert page.get_attribute(button, "aria-pressed") == "false"
        page.click(button)
        assert page.get_attribute(button, "aria-pressed") == "true"
    tracks = page.evaluate(
        "() => window.counselRoom.controls.stream.getTracks().map((t) => t.enabled)"
    )
    assert tracks == [False, False]
    expert.page.wait_for_selector("#remote-tile[data-camera=off][data-mic=off]")


def tab_rings(page, limit: int = 40) -> list[dict]:
    """Tab through the page (until it wraps round); each stop's ring and what is behind it."""
    rings: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None or (rings and ring["id"] == rings[0]["id"]):
            break
        rings.append(ring)
    return rings


def weak_rings(rings: list[dict]) -> list[tuple[str, float]]:
    """The stops whose ring is thinner than 2 px or under 3:1 against its background."""
    measured = [(r, contrast(parse_rgb(r["ring"]), parse_rgb(r["behind"]))) for r in rings]
    return [(r["id"], round(ratio, 2)) for r, ratio in measured if r["width"] < 2 or ratio < 3]


def test_contrast_formula_gives_the_figures_of_the_issue():
    white = hex_rgb("#ffffff")
    assert round(contrast(hex_rgb("#8fc3bd"), white), 2) == 1.96
    assert round(contrast(hex_rgb("#e0b3ae"), white), 2) == 1.87
    assert round(contrast(hex_rgb("#000000"), white), 2) == 21


@pytest.mark.parametrize(
    ("who", "path"), [(None, "/login"), ("member", "/"), ("admin", "/admin/experts")]
)
def test_focus_ring_is_visible_with_3_to_1_contrast(viewer, board, who, path):
    page = viewer(who).page
    page.goto(path)
    rings = tab_rings(page)
    assert len(rings) > 3
    assert weak_rings(rings) == []


def test_room_focus_ring_is_visible_with_3_to_1_contrast(call):
    _, member, _ = call
    rings = tab_rings(member.page)
    assert {"button#camera-toggle", "input#chat-input", "label#file-input"} <= {
        r["id"].split(".")[0] for r in rings
    }
    assert weak_rings(rings) == []


def test_room_focus_is_never_under_the_controls_and_targets_are_big_enough(call):
    _, member, _ = call
    for viewport in (PHONE, {"width": 1280, "height": 800}):
        member.page.set_viewport_size(viewport)
        assert member.page.evaluate(OBSCURED, "#room") == []
        assert member.page.evaluate(SMALL_TARGETS, "body") == []


def test_end_button_border_has_3_to_1_contrast(call):
    _, member, _ = call
    member.page.focus("#end-button")
    ring = member.page.evaluate(FOCUS_RING)
    border = member.page.evaluate(
        "() => getComputedStyle(document.getElementById('end-button')).borderTopColor"
    )
    assert contrast(parse_rgb(border), parse_rgb(ring["behind"])) >= 3


def test_skip_link_is_first_and_moves_focus_to_main(viewer):
    page = viewer("member").page
    page.goto("/")
    page.keyboard.press("Tab")
    link = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href'),"
        " visible: document.activeElement.getBoundingClientRect().height >= 24})"
    )
    assert link["visible"]
    assert link["href"] == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


def test_first_field_with_an_error_is_focused_and_described(viewer):
    page = viewer(None, viewport=PHONE).page
    page.goto("/register")
    page.fill("#email", "not an address")
    page.click("form button[type=submit]")
    page.wait_for_selector("[aria-invalid=true]")
    focused = page.evaluate(
        """() => {
          const field = document.activeElement;
          const box = field.getBoundingClientRect();
          const described = (field.getAttribute("aria-describedby") || "").split(" ")
            .map((id) => document.getElementById(id)).filter(Boolean);
          return {id: field.id, invalid: field.getAttribute("aria-invalid"),
                  errors: described.map((node) => node.textContent.trim()),
                  inView: box.top >= 0 && box.bottom <= innerHeight};
        }"""
    )
    first_invalid = page.evaluate("() => document.querySelector('[aria-invalid=true]').id")
    assert focused["id"] == first_invalid
    assert focused["invalid"] == "true"
    assert focused["errors"] and all(focused["errors"])
    assert focused["inView"]


def test_refused_login_focuses_the_error(viewer):
    page = viewer(None, viewport=PHONE).page
    page.goto("/login")
    page.fill("#email", "nobody@browser.test")
    page.fill("#password", "wrong password")
    page.click("form button[type=submit]")
    page.wait_for_selector(".flash-error")
    assert page.evaluate("() => document.activeElement.classList.contains('flash-error')")

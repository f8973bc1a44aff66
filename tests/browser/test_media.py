"""Without a camera or a microphone the call still works, and the page says what to do."""

import pytest

pytestmark = pytest.mark.browser


def block(someone, origin: str, *devices: str) -> None:
    """The person clicked "Block" for these devices on this site (a real browser permission)."""
    page_cdp = someone.context.new_cdp_session(someone.page)
    context_id = page_cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
    browser_cdp = someone.context.browser.new_browser_cdp_session()
    for device in devices:
        browser_cdp.send(
            "Browser.setPermission",
            {
                "permission": {"name": device},
                "setting": "denied",
                "origin": origin,
                "browserContextId": context_id,
            },
        )


@pytest.mark.parametrize(
    ("blocked", "says", "usable"),
    [
        (("camera",), ["camera is blocked", "audio only"], {"#mic-toggle"}),
        (("camera", "microphone"), ["are blocked", "still see and hear"], set()),
    ],
    ids=["camera-blocked", "both-blocked"],
)
def test_blocked_devices_leave_a_working_call_and_say_what_to_do(
    person, seeder, live, blocked, says, usable
):
    session_id = seeder.accepted_session()
    expert, member = person("expert"), person("member")
    block(member, live.url, *blocked)
    expert.open_room(session_id)
    member.open_room(session_id)
    member.wait_connected()
    expert.wait_connected()
    member.page.wait_for_selector("#media-problem:not([hidden])")
    message = member.page.text_content("#media-problem-text")
    print(f"\n{message}")
    assert all(part in message for part in says), message
    assert member.page.is_visible("#media-retry")
    for toggle in ("#camera-toggle", "#mic-toggle"):
        assert member.page.is_enabled(toggle) == (toggle in usable)
    expert.page.wait_for_selector("#remote-tile[data-camera=off]")
    member.video_flowing()

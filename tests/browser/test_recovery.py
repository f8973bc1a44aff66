"""Calls that survive: reload, second tab, server restart, cut media path, a vanished peer."""

import time

import pytest

from tests.browser.netcut import media_path_cut
from tests.helpers.calls import GRACE_SECONDS, start_call

pytestmark = pytest.mark.browser

# A new RTCPeerConnection, connected: the one tagged by mark_connection is gone.
NEW_CONNECTION = """() => {
  const pc = window.counselRoom.pc;
  return Boolean(pc && pc !== window.markedPc && pc.connectionState === "connected");
}"""


def texts(someone) -> list[str]:
    """The chat as this person sees it; every row must be acknowledged (have its seq)."""
    rows = someone.chat_rows()
    seqs = [row["seq"] for row in rows]
    assert None not in seqs, rows
    assert seqs == sorted(set(seqs)), f"duplicate or unordered rows: {rows}"
    return [row["text"] for row in rows]


def converse(expert, member, lines: int = 2) -> list[str]:
    """Both people write `lines` lines each, alternating; returns the transcript."""
    said = []
    for n in range(lines):
        for someone in (expert, member):
            line = f"{someone.who} line {n + 1}"
            someone.say(line)
            someone.wait_for_line(line)
            said.append(line)
    return said


def test_member_reload_reconnects_with_every_line_once(call):
    expert, member, _ = call
    said = converse(expert, member)
    expert.page.evaluate("() => { window.markedPc = window.counselRoom.pc; }")
    member.page.reload()
    seconds = member.wait_connected()
    expert.page.wait_for_function(NEW_CONNECTION)
    print(f"\nmember reload -> connected: {seconds:.2f} s")
    member.wait_for_line(said[-1])
    assert texts(member) == said
    assert texts(expert) == said
    member.video_flowing()
    expert.video_flowing()


def test_second_tab_takes_the_call_over(call):
    expert, member, session_id = call
    expert.watch_presence()
    expert.page.evaluate("() => { window.markedPc = window.counselRoom.pc; }")
    first = member.page
    member.page = member.new_page()
    member.open_room(session_id)
    first.wait_for_selector("#call-status[data-state=ended]")
    assert first.is_visible("#moved")
    assert "moved to another tab" in first.text_content("#call-status")
    assert first.evaluate("() => document.getElementById('local-video').srcObject") is None
    member.wait_connected()
    expert.page.wait_for_function(NEW_CONNECTION)
    expert.video_flowing()
    member.video_flowing()
    assert "left" not in expert.presence_seen()
    assert "reconnecting" not in expert.presence_seen()


def test_closed_browser_shows_reconnecting_then_left(call):
    expert, member, _ = call
    member.close()
    started = time.monotonic()
    expert.page.wait_for_selector("#peer-presence[data-presence=reconnecting]", timeout=15_000)
    reconnecting = time.monotonic() - started
    assert expert.page.text_content("#peer-presence") == "Mia Member is reconnecting…"
    expert.page.wait_for_selector(
        "#peer-presence[data-presence=left]", timeout=(GRACE_SECONDS + 5) * 1000
    )
    left = time.monotonic() - started
    print(f"\nmember gone -> expert sees reconnecting {reconnecting:.2f} s, left {left:.2f} s")
    assert left >= GRACE_SECONDS * 0.9
    assert expert.state() == "waiting"


def test_server_restart_keeps_video_and_delivers_chat_once(call, live):
    expert, member, _ = call
    said = converse(expert, member, lines=1)
    live.stop()
    stopped = time.monotonic()
    expert.page.wait_for_selector("#link-status:not([hidden])")
    during = ["expert while the server is down", "member while the server is down"]
    expert.say(during[0])
    member.say(during[1])
    member.video_flowing()  # media does not pass through the server
    expert.video_flowing()
    assert expert.chat_rows()[-1]["pending"] and member.chat_rows()[-1]["pending"]
    live.start()
    # Reloading before the socket's next try: the line waits in sessionStorage.
    member.page.reload()
    for someone in (expert, member):
        for line in during:
            someone.wait_for_line(line, timeout_ms=20_000)
    print(f"\nserver down {live_gap(stopped):.2f} s in all -> chat delivered both ways")
    for someone in (expert, member):
        assert texts(someone)[: len(said)] == said
        assert sorted(texts(someone)[len(said) :]) == sorted(during)
    member.wait_connected()
    expert.wait_connected()


def live_gap(since: float) -> float:
    return time.monotonic() - since


def test_cut_media_path_recovers_with_ice_restart(call, live):
    expert, member, _ = call
    with media_path_cut(live.port):
        started = time.monotonic()
        for someone in (expert, member):
            someone.page.wait_for_selector("#call-status[data-state=reconnecting]", timeout=20_000)
        print(f"\npath cut -> reconnecting shown: {time.monotonic() - started:.2f} s")
    restored = time.monotonic()
    for someone in (expert, member):
        someone.wait_connected(timeout_ms=30_000)
    connected = time.monotonic() - restored
    member.wait_frames()
    video = time.monotonic() - restored
    fps = member.video_flowing()
    print(f"path back -> connected {connected:.2f} s, video {video:.2f} s, {fps:.1f} fps")
    expert.video_flowing()
    restarts = [p.page.evaluate("() => window.counselRoom.call.iceRestarts") for p in call[:2]]
    assert sum(restarts) >= 1, restarts


def test_logout_in_another_tab_closes_the_room(person, seeder):
    # Lou, not Mia: logging out ends every login of the user, the shared cookies included.
    expert, member, _ = start_call(person, seeder, member="lou")
    room = member.page
    member.page = member.new_page()
    member.page.goto("/")
    member.page.click("form[action='/logout'] button")
    started = time.monotonic()
    room.wait_for_selector("#call-status[data-state=ended]", timeout=15_000)
    print(f"\nlogout -> room closed: {time.monotonic() - started:.2f} s")
    assert "logged out" in room.text_content("#call-status")
    assert room.evaluate("() => document.getElementById('local-video').srcObject") is None
    expert.page.wait_for_selector("#peer-presence[data-presence=reconnecting]")

"""Chat that survives the member going offline, a reload and a database that cannot write.

The member reaches the server through a forwarder on a port of its own, so that cutting the
member's path (policy routing on that port, as in netcut) leaves the expert's path alone. A veth
pair kept inside the namespace makes Chromium believe it is online, so that taking it down and
up fires real `offline` and `online` events.
"""

import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from counsel.extensions import db
from counsel.models import LedgerEntry
from tests.browser.netcut import local_table_after_our_rules
from tests.browser.proxy import Forwarder
from tests.helpers.browser import Person
from tests.helpers.live import LiveServer, free_port

pytestmark = pytest.mark.browser

# Short, so that a write that finds the database locked fails fast (the wait blocks the worker).
BUSY_TIMEOUT_MS = 300
LINK = "t0"
NETWORK_SETTLE_SECONDS = 2.0

# When the member's page came back online, and when it first had no pending line after that.
WATCH_ONLINE = """() => {
  const t = (window.offlineTest = {downs: []});
  addEventListener("online", () => { t.online = performance.now(); });
  window.counselRoom.signaling.on("down", ({ delay }) => t.downs.push(delay));
  const log = document.getElementById("chat-log");
  new MutationObserver(() => {
    if (t.online && t.acked === undefined && !log.querySelector(".pending")) {
      t.acked = performance.now();
    }
  }).observe(log, {subtree: true, childList: true, attributes: true});
}"""


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def link() -> Iterator[None]:
    """A veth pair whose both ends stay in the namespace: Chromium now says it is online."""
    ip("link", "add", LINK, "type", "veth", "peer", "name", "t1")
    for name in (LINK, "t1"):
        ip("link", "set", name, "up")
    ip("addr", "add", "169.254.77.1/32", "dev", LINK)
    yield
    ip("link", "del", LINK)


@pytest.fixture(scope="module")
def server(live, workdir) -> Iterator[tuple[LiveServer, Forwarder]]:
    """A server of this module on the shared database, with a short busy timeout, and the
    member's own way in."""
    port = free_port()
    forwarder = Forwarder(port)
    origins = f"http://127.0.0.1:{port},{forwarder.url}"
    env = {name: value for name, value in live.env.items() if name.startswith("COUNSEL_")}
    env |= {
        "COUNSEL_ALLOWED_ORIGINS": origins,
        "COUNSEL_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_TIMEOUT_MS),
    }
    own = LiveServer(env, port=port, log_path=workdir / "gunicorn-offline.log")
    own.start()
    yield own, forwarder
    own.stop()
    forwarder.close()


def record_frames(someone: Person) -> None:
    """Keep every WebSocket frame the page sends or receives, as (direction, frame)."""
    someone.frames = []

    def watch(ws) -> None:
        ws.on("framesent", lambda payload: someone.frames.append(("sent", json.loads(payload))))
        ws.on("framereceived", lambda payload: someone.frames.append(("got", json.loads(payload))))

    someone.page.on("websocket", watch)


@pytest.fixture
def call(person, seeder, server) -> tuple[Person, Person, int]:
    """The expert (straight to the server) and the member (through the forwarder), connected."""
    own, forwarder = server
    session_id = seeder.accepted_session()
    expert, member = person("expert"), person("member")
    record_frames(member)
    expert.page.goto(f"{own.url}/sessions/{session_id}/room?debug")
    member.page.goto(f"{forwarder.url}/sessions/{session_id}/room?debug")
    for each in (expert, member):
        each.wait_connected()
    return expert, member, session_id


@contextmanager
def offline(port: int) -> Iterator[None]:
    """The member's network goes: the link is down and nothing reaches `port`. On the way back
    the path opens first, then the link comes up (the `online` event)."""
    rules = [("10", "dport"), ("11", "sport")]
    with local_table_after_our_rules():
        for pref, side in rules:
            ip("rule", "add", "pref", pref, "ipproto", "tcp", side, str(port), "blackhole")
        ip("link", "set", LINK, "down")
        try:
            yield
        finally:
            for pref, _ in rules:
                ip("rule", "del", "pref", pref)
            ip("link", "set", LINK, "up")
            # Chromium fails requests begun in the next moments of a link change with
            # ERR_NETWORK_CHANGED (seen: the next test's page never loaded): let it settle.
            time.sleep(NETWORK_SETTLE_SECONDS)


def stored(seeder, session_id: int) -> list[tuple[str, str]]:
    """(text, client_id) of every chat line in the database for this session."""
    with seeder.app.app_context():
        rows = db.session.scalars(
            db.select(LedgerEntry).filter_by(session_id=session_id, type="TXT").order_by("seq")
        )
        return [(row.payload["text"], row.client_id) for row in rows]


def pending_stored(member: Person, session_id: int) -> list[dict]:
    """The member's lines kept in sessionStorage until acknowledged."""
    raw = member.page.evaluate(
        "(key) => sessionStorage.getItem(key)", f"counsel:pending:{session_id}:member"
    )
    return json.loads(raw) if raw else []


def assert_once_everywhere(people, seeder, session_id: int, lines: list[str]) -> None:
    """Each line is one row in the database and one acknowledged row on every page."""
    assert sorted(text for text, _ in stored(seeder, session_id)) == sorted(lines)
    for someone in people:
        for line in lines:
            someone.wait_for_line(line)
        rows = [row for row in someone.chat_rows() if row["text"] in lines]
        assert sorted(row["text"] for row in rows) == sorted(lines), (someone.who, rows)
        assert all(row["seq"] and not row["pending"] for row in rows), (someone.who, rows)


def test_lines_written_offline_go_once_when_back_online(link, server, call, seeder):
    expert, member, session_id = call
    lines = ["written offline 1", "written offline 2"]
    member.page.wait_for_function("() => navigator.onLine")
    member.page.evaluate(WATCH_ONLINE)
    with offline(server[1].port):
        member.page.wait_for_function("() => !navigator.onLine")
        member.page.wait_for_selector("#link-status:not([hidden])")
        for line in lines:
            member.say(line)
        rows = member.chat_rows()[-2:]
        assert [r["text"] for r in rows] == lines
        assert all(r["pending"] and r["seq"] is None for r in rows), rows
        waiting = pending_stored(member, session_id)
        assert [line["text"] for line in waiting] == lines
        # Let the backoff grow: only the `online` event can explain a reconnect within a second.
        member.page.wait_for_function("() => window.offlineTest.downs.at(-1) >= 2000")
    member.page.wait_for_function("() => window.offlineTest.acked !== undefined")
    took = member.page.evaluate("() => window.offlineTest.acked - window.offlineTest.online")
    backoff = member.page.evaluate("() => window.offlineTest.downs.at(-1)")
    print(f"\nonline -> pending lines acknowledged: {took:.0f} ms (backoff then: {backoff} ms)")
    assert took < 1000
    assert_once_everywhere((member, expert), seeder, session_id, lines)
    assert stored(seeder, session_id) == [(w["text"], w["client_id"]) for w in waiting]
    assert pending_stored(member, session_id) == []


def test_reload_keeps_a_pending_line_and_resends_it(server, call, seeder):
    expert, member, session_id = call
    server[1].swallow()  # the member's path dies mid-stream: the line is lost on the way
    member.say("sent into the void")
    member.page.wait_for_selector("#chat-log .pending[data-pending=sending]")
    (waiting,) = pending_stored(member, session_id)
    member.frames.clear()
    member.page.reload()
    member.wait_connected()
    assert_once_everywhere((member, expert), seeder, session_id, ["sent into the void"])
    resent = [f for way, f in member.frames if way == "sent" and f.get("type") == "TXT"]
    assert [f["client_id"] for f in resent] == [waiting["client_id"]]
    assert stored(seeder, session_id) == [("sent into the void", waiting["client_id"])]


def not_saved(member: Person) -> int:
    return sum(way == "got" and f.get("code") == "not-saved" for way, f in member.frames)


def test_not_saved_line_is_retried_until_stored(server, call, seeder, workdir):
    expert, member, session_id = call
    blocker = sqlite3.connect(workdir / "counsel.db", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # the server's writes now time out: not-saved
        member.say("saved at last")
        member.page.wait_for_selector("#chat-log .pending[data-pending=retrying]")
        deadline = time.monotonic() + 10
        while not_saved(member) < 2 and time.monotonic() < deadline:
            member.page.wait_for_timeout(100)  # frames arrive while Playwright waits
        assert not_saved(member) >= 2, "the retry was not refused too"
        assert stored(seeder, session_id) == []
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    released = time.monotonic()
    member.wait_for_line("saved at last")
    print(f"\nlock released -> line stored: {time.monotonic() - released:.2f} s")
    assert_once_everywhere((member, expert), seeder, session_id, ["saved at last"])

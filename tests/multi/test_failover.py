"""Faults across two servers: Redis stopped and started mid-session, a worker killed."""

import json
import threading
import time
import urllib.error
import urllib.request

from tests.helpers.live import LiveServer
from tests.helpers.topology import kill_worker
from tests.helpers.wsclient import Peer


def ledger_after(server: LiveServer, cookie: str, session_id: int, after: int) -> list[dict]:
    """What a client fetches to catch up: GET /sessions/<id>/ledger?after=N."""
    request = urllib.request.Request(
        f"{server.url}/sessions/{session_id}/ledger?after={after}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["entries"]


def health(server: LiveServer) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def joined_call(connect, new_session) -> tuple[int, Peer, Peer]:
    """A new session with the member on one server and the expert on the other, both joined."""
    session_id = new_session()
    member = connect("member", session_id)
    expert = connect("expert", session_id)
    member.expect(event="joined", role="expert")
    return session_id, member, expert


def contiguous(seqs: set[int]) -> int:
    """The last seq up to which every entry was seen (what a client resumes after)."""
    last = 0
    while last + 1 in seqs:
        last += 1
    return last


def live_txt(peer: Peer) -> list[int]:
    return [frame["seq"] for frame in peer.seen if frame.get("type") == "TXT"]


def test_redis_outage_degrades_then_restores_and_loses_no_acknowledged_line(
    stack, people, private_redis, pair
):
    member, expert, session_id = pair
    acked = [member.expect(type="TXT", client_id=member.txt("before"))["seq"]]
    private_redis.stop()
    stopped = time.monotonic()
    for peer in (member, expert):
        peer.expect(event="degraded", timeout=6)
    degraded_after = time.monotonic() - stopped
    assert health(stack.server) == (503, {"status": "degraded", "db": "ok", "relay": "down"})
    for n in range(3):  # both keep chatting: stored and acknowledged all the same
        for peer in (member, expert):
            acked.append(peer.expect(type="TXT", client_id=peer.txt(f"during {n}"))["seq"])
    private_redis.start()
    started = time.monotonic()
    for peer in (member, expert):
        peer.expect(event="restored", timeout=8)
    restored_after = time.monotonic() - started
    print(f"Redis outage: degraded after {degraded_after:.2f} s, restored {restored_after:.2f} s")
    assert health(stack.server)[0] == 200
    acked.append(member.expect(type="TXT", client_id=member.txt("after"))["seq"])
    expert.expect(type="TXT", seq=acked[-1])  # live delivery across servers works again
    for peer, who in ((member, "member"), (expert, "expert")):
        live = live_txt(peer)
        assert len(live) == len(set(live))  # nothing delivered twice live
        seen = {frame["seq"] for frame in peer.seen if "seq" in frame}
        catch_up = ledger_after(
            stack.server_of(who), people[who].cookie, session_id, contiguous(seen)
        )
        delivered = set(live) | {e["seq"] for e in catch_up if e["type"] == "TXT"}
        assert delivered == set(acked)


def test_killed_worker_peer_sees_left_within_15_seconds_and_rejoin_elsewhere(
    stack, connect, new_session
):
    session_id, member, expert = joined_call(connect, new_session)
    kill_worker(stack.server)  # the member's worker
    killed = time.monotonic()
    left = expert.expect(event="left", role="member", timeout=16)
    took = time.monotonic() - killed
    print(f"worker killed: the peer on the other server was told left after {took:.1f} s")
    assert left["reason"] == "timeout" and took < 15
    again = connect("member", session_id, after=left["seq"], server=stack.expert_server)
    assert again.welcome["peer_present"] is True
    expert.expect(event="joined", role="member")
    again.txt("back", client_id="back-1")
    assert expert.expect(type="TXT")["client_id"] == "back-1"
    stack.server._wait_healthy(20)  # gunicorn started a new worker for later tests


def test_server_restart_tells_the_peer_elsewhere_left_and_the_person_rejoins(
    stack, connect, new_session
):
    session_id, member, expert = joined_call(connect, new_session)
    stopping = threading.Thread(target=stack.server.stop)  # SIGTERM the member's server
    started = time.monotonic()
    stopping.start()
    try:
        assert member.expect_close(timeout=5) == 1012
        left = expert.expect(event="left", role="member", timeout=5)
        assert left["reason"] == "closed" and time.monotonic() - started < 5
        again = connect("member", session_id, after=left["seq"], server=stack.expert_server)
        assert again.welcome["peer_present"] is True
        expert.expect(event="joined", role="member")
    finally:
        stopping.join()
        stack.server.start()  # the same port, for later tests

"""Peers that stop reading or go silent: nobody else waits, and the peer is told in time."""

import json
import time

from tests.helpers.wsclient import raw_upgrade

BIG_SDP = "v=0\r\n" + "a=x-padding:" + "p" * 49_000 + "\r\n"


def quiet_member(stack, people, session_id):
    """The member's socket: upgraded, then never read again (no pongs either)."""
    raw, head = raw_upgrade(
        stack.server.port, people["member"].cookie, session_id, stack.origin, rcvbuf=4096
    )
    assert head.startswith("HTTP/1.1 101")
    return raw


def test_peer_that_stops_reading_does_not_stall_the_sender(stack, people, connect, new_session):
    session_id = new_session()
    expert = connect("expert", session_id)
    raw = quiet_member(stack, people, session_id)
    went_quiet = time.monotonic()
    expert.expect(event="joined", role="member")
    slowest, sent = 0.0, 0
    for _ in range(40):  # megabytes towards a socket nobody reads
        expert.send({"type": "offer", "sdp": BIG_SDP})
    sent += 40 * len(json.dumps(BIG_SDP))
    # 16 rounds of 5 frames, 0.25 s apart: the flood guard (burst 60, 20/s) refills 5 a round,
    # so it never fires, however fast or slow the machine is.
    for _ in range(16):
        for _ in range(4):
            expert.send({"type": "offer", "sdp": BIG_SDP})
        sent += 4 * len(json.dumps(BIG_SDP))
        started = time.monotonic()
        client_id = expert.txt("still here")
        expert.expect(type="TXT", client_id=client_id)
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.25)
    assert sent > 5_000_000 and slowest < 2  # blocked would mean the 8 s send timeout
    left = expert.expect(event="left", role="member", timeout=15)
    assert left["reason"] == "timeout" and time.monotonic() - went_quiet < 15
    raw.close()
    log = stack.server.log_path.read_text()
    assert (
        f"send timed out session={session_id}" in log
        or f"dropping slow socket session={session_id}" in log
    )


def test_silent_peer_is_dropped_with_left_timeout_within_15_seconds(
    stack, people, connect, new_session
):
    session_id = new_session()
    expert = connect("expert", session_id)
    raw = quiet_member(stack, people, session_id)
    went_quiet = time.monotonic()
    expert.expect(event="joined", role="member")
    left = expert.expect(event="left", role="member", timeout=16)
    assert left["reason"] == "timeout" and time.monotonic() - went_quiet < 15
    raw.close()

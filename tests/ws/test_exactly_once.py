"""Exactly-once delivery when both people connect at the same moment (a benchmark finding).

Each socket's replay (entries with seq > after) and its live frames overlap while the other
person joins and chats during this socket's own join; every persisted entry must reach each
socket once, none twice and none missing.
"""

import threading
from collections import Counter

from tests.helpers.stack import ledger_rows

SESSIONS = 12
LINES = 3


def _talk(connect, who, session_id, start, results):
    """Connect when told, send lines at once, read until own acks and the peer's lines came."""
    start.wait(10)
    peer = connect(who, session_id)
    for n in range(LINES):
        peer.txt(f"{who} line {n}", client_id=f"{who}-{n}")
    mine = peer_lines = 0
    while mine < LINES or peer_lines < LINES:
        frame = peer.expect(timeout=10, type="TXT")
        mine += frame["from"] == who
        peer_lines += frame["from"] != who
    peer.quiet(0.4)  # a late duplicate would arrive now
    results[(session_id, who)] = peer


def _seqs(peer) -> list[int]:
    return [frame["seq"] for frame in peer.seen if "seq" in frame]


def test_both_connecting_at_once_see_every_entry_exactly_once(stack, connect, new_session):
    sessions = [new_session() for _ in range(SESSIONS)]
    start, results = threading.Barrier(2 * SESSIONS), {}
    threads = [
        threading.Thread(target=_talk, args=(connect, who, sid, start, results))
        for sid in sessions
        for who in ("member", "expert")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 * SESSIONS, "a socket did not get every line"
    for (session_id, who), peer in results.items():
        seqs = _seqs(peer)
        twice = [seq for seq, count in Counter(seqs).items() if count > 1]
        assert not twice, f"session {session_id} {who} got seqs {twice} twice: {seqs}"
        stored = [row.seq for row in ledger_rows(stack, session_id)]  # all still connected
        assert sorted(seqs) == stored, f"session {session_id} {who} missed entries"

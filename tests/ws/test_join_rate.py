"""A person reconnecting in a tight loop gets 429 before the upgrade; the transcript stays small."""

import time

import pytest
import websocket

from tests.helpers.stack import Stack, ledger_rows, server_for
from tests.helpers.wsclient import Peer, open_socket

LIMIT = 10


@pytest.fixture(scope="module")
def limited(stack, tmp_path_factory) -> Stack:
    """A server that lets a person open at most LIMIT call sockets a minute."""
    if stack.expert_server is not None:
        pytest.skip("one server's limit (tests/multi/test_rates_redis.py shares it across servers)")
    log_path = tmp_path_factory.mktemp("joins") / "server.log"
    server = server_for(
        stack.app,
        log_path,
        COUNSEL_ERTC_JOINS_PER_MINUTE=str(LIMIT),
        COUNSEL_ERTC_JOINS_PER_ADDRESS="0",
    ).start()
    yield Stack(server, stack.app)
    server.stop()


def attempt(limited: Stack, person, session_id: int) -> int:
    """Open and close one socket: 101 when it was accepted, else the refusal's status."""
    try:
        ws = open_socket(limited.server.ws_url, session_id, person.cookie, limited.origin)
    except websocket.WebSocketBadStatusException as refused:
        return refused.status_code
    peer = Peer(ws)
    peer.expect(event="welcome")
    peer.close()
    return 101


def test_a_tight_reconnect_loop_is_slowed_with_429(limited, people, new_session):
    session_id = new_session()
    expert = Peer(
        open_socket(limited.server.ws_url, session_id, people["expert"].cookie, limited.origin)
    )
    expert.expect(event="welcome")
    started = time.monotonic()
    statuses = [attempt(limited, people["member"], session_id) for _ in range(150)]
    assert time.monotonic() - started < 60  # all inside one window
    assert statuses[:LIMIT] == [101] * LIMIT
    assert set(statuses[LIMIT:]) == {429}
    presence = [row for row in ledger_rows(limited, session_id) if row.type == "SYS"]
    assert len(presence) <= 2 * LIMIT + 1  # the expert's join, then one join/leave per socket
    expert.close()


def test_the_429_is_a_plain_http_answer_before_any_upgrade(limited, people, new_session):
    session_id = new_session(member=people["other_member"])
    for _ in range(LIMIT + 1):
        status = attempt(limited, people["other_member"], session_id)
    assert status == 429
    # Another person is not slowed by someone else's loop.
    assert (
        attempt(limited, people["other_expert"], new_session(expert=people["other_expert"])) == 101
    )

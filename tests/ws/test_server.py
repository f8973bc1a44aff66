"""A second server on the same database: the per-worker socket cap and SIGTERM's 1012."""

import http.client
import socket
import threading
import time
import urllib.request

import pytest
import websocket

from tests.helpers.stack import Stack, ledger_rows, server_for
from tests.helpers.wsclient import Peer, open_socket, upgrade_request


@pytest.fixture(scope="module")
def small(stack, tmp_path_factory) -> Stack:
    """A server that holds at most two sockets."""
    if stack.expert_server is not None:
        pytest.skip("one server's own limits (tests/multi covers several workers)")
    log_path = tmp_path_factory.mktemp("small") / "server.log"
    server = server_for(stack.app, log_path, COUNSEL_MAX_SOCKETS_PER_WORKER="2").start()
    yield Stack(server, stack.app)
    server.stop()


def join(small: Stack, person, session_id: int) -> Peer:
    peer = Peer(open_socket(small.server.ws_url, session_id, person.cookie, small.origin))
    peer.expect(event="welcome")
    return peer


def test_socket_over_the_cap_gets_503_and_pages_still_work(small, people, new_session):
    session_id = new_session()
    first, second = (
        join(small, people["member"], session_id),
        join(small, people["expert"], session_id),
    )
    started = time.monotonic()
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        open_socket(small.server.ws_url, new_session(), people["member"].cookie, small.origin)
    assert caught.value.status_code == 503 and time.monotonic() - started < 1
    with urllib.request.urlopen(small.server.url + "/healthz", timeout=2) as response:
        assert response.status == 200
    first.close()
    second.close()


def test_sigterm_closes_sockets_with_1012_and_keeps_what_was_acked(
    small, people, new_session, request
):
    time.sleep(0.3)  # the previous test's sockets leave the cap
    session_id = new_session()
    member, expert = (
        join(small, people["member"], session_id),
        join(small, people["expert"], session_id),
    )
    member.txt("before the restart", client_id="pre-restart")
    ack = member.expect(type="TXT")
    keepalive = kept_alive_connection(small)
    request.addfinalizer(keepalive.close)
    stopping = threading.Thread(target=small.server.stop)
    started = time.monotonic()
    stopping.start()
    assert member.expect_close(timeout=5) == 1012
    assert expert.expect_close(timeout=5) == 1012
    # While it drains, the old server refuses upgrades on connections it still serves.
    keepalive.sendall(
        upgrade_request(small.server.port, people["member"].cookie, session_id, small.origin)
    )
    assert keepalive.recv(4096).startswith(b"HTTP/1.1 503")
    closed_after = time.monotonic() - started
    stopping.join()
    assert closed_after < 5 and small.server.process.returncode == 0  # not the 10 s graceful wait
    assert [row.seq for row in ledger_rows(small, session_id) if row.type == "TXT"] == [ack["seq"]]
    member.close()
    expert.close()


def kept_alive_connection(small: Stack) -> socket.socket:
    """An HTTP/1.1 connection that has served one request and stays open."""
    conn = http.client.HTTPConnection("127.0.0.1", small.server.port, timeout=5)
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    assert response.status == 200 and response.read()
    return conn.sock

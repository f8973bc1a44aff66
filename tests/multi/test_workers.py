"""Several gevent workers in one server: each counts and caps its own sockets."""

import time
import urllib.request

import pytest
import websocket

from tests.helpers.stack import server_for
from tests.helpers.topology import redis_env, worker_pids
from tests.helpers.wsclient import Peer, open_socket


@pytest.fixture
def two_workers(stack, private_redis, redis_prefix, tmp_path):
    """A third server with two workers that hold at most one socket each."""
    server = server_for(
        stack.app,
        tmp_path / "two-workers.log",
        **redis_env(private_redis.url, redis_prefix),
        COUNSEL_WORKERS="2",
        COUNSEL_MAX_SOCKETS_PER_WORKER="1",
    ).start()
    yield server
    server.stop()


def test_each_worker_caps_its_own_sockets_with_503_before_the_upgrade(
    two_workers, people, new_session
):
    assert len(worker_pids(two_workers.process.pid)) == 2
    held, refusals = [], []
    for _ in range(40):  # which worker accepts is the kernel's choice: try until both are full
        started = time.monotonic()
        try:
            ws = open_socket(
                two_workers.ws_url, new_session(), people["member"].cookie, two_workers.url
            )
        except websocket.WebSocketBadStatusException as error:
            refusals.append((error.status_code, time.monotonic() - started))
        else:
            held.append(Peer(ws))
            held[-1].expect(event="welcome")
        if len(held) == 2 and refusals:
            break
    with urllib.request.urlopen(two_workers.url + "/healthz", timeout=2) as response:
        assert response.status == 200  # pages are still served
    for peer in held:
        peer.close()
    assert len(held) == 2  # one per worker: neither counts the other's socket
    assert refusals and all(code == 503 and took < 1 for code, took in refusals)

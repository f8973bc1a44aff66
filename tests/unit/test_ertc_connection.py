"""Connection's outbound path in-process with threads (no gevent): a real socket pair, a reader.

The live tests (tests/ws) run it under gunicorn's gevent worker; these check the same rules
where threading is not patched: direct writes while idle, a writer when the buffer is full,
order, the queue bound and the close after queued frames.
"""

import json
import socket
import threading
import time

import pytest
from wsproto.connection import ConnectionState

from counsel.ertc.protocol import TIMEOUT
from counsel.ertc.transport.connection import Connection


class ServerSide:
    """The part of simple_websocket.Server a Connection uses, over one end of a socket pair."""

    ping_interval = 1  # the heartbeat ends a wait for a close answer that never comes
    receive_bytes = 4096
    max_message_size = 65536

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.ws = type("State", (), {"state": ConnectionState.OPEN})()
        self.input_buffer: list = []
        self.connected = True
        self.pong_received = True  # the heartbeat reads it

    def close(self, code: int, text: str | None) -> None:
        self.ws.state = ConnectionState.LOCAL_CLOSING
        body = code.to_bytes(2, "big") + (text or "").encode()
        self.sock.sendall(bytes((0x88, len(body))) + body)
        self.connected = False


def read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_frames(sock: socket.socket) -> list:
    """Every frame the client end receives (server frames are unmasked): texts, then the close."""
    got: list = []
    while True:
        head = read_exactly(sock, 2)
        size = head[1] & 0x7F
        if size >= 126:
            size = int.from_bytes(read_exactly(sock, 2 if size == 126 else 8), "big")
        payload = read_exactly(sock, size)
        if head[0] == 0x88:
            return [*got, ("close", int.from_bytes(payload[:2], "big"))]
        assert head[0] == 0x81 and not head[1] & 0x80  # final text frames, unmasked
        got.append(json.loads(payload))


@pytest.fixture
def pair():
    server, client = socket.socketpair()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    yield server, client
    server.close()
    client.close()


def test_frames_arrive_in_order_then_the_close(pair):
    server, client = pair
    conn = Connection(ServerSide(server), 1, "member", 1, send_timeout=2)
    conn.start()
    conn.open([{"n": 0}], last_seq=0)
    for n in range(1, 200):
        conn.deliver({"n": n, "pad": "x" * 500})  # more than the send buffer holds
    conn.close(4000, "replaced")
    reader = threading.Thread(target=lambda: got.extend(read_frames(client)))
    got: list = []
    reader.start()
    conn.finish()
    reader.join(5)
    assert [f["n"] for f in got[:-1]] == list(range(200)) and got[-1] == ("close", 4000)


def test_a_peer_that_never_reads_is_dropped_without_blocking_senders(pair):
    server, _client = pair
    conn = Connection(ServerSide(server), 1, "member", 1, queue_size=8, send_timeout=5)
    conn.start()
    conn.open([], last_seq=0)
    started = time.monotonic()
    accepted = [conn.deliver({"pad": "x" * 4000}) for _ in range(200)]
    assert time.monotonic() - started < 1  # no sender waited for the socket
    assert accepted[-1] is False and conn.closing and conn.reason() == TIMEOUT

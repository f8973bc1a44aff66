"""The worker's heartbeat wheel and the reader it drives, in-process with threads.

The live tests (tests/ws/test_faults.py) check the same under gunicorn: a silent client is
dropped with `left`/`timeout`. Here: each socket is visited once per interval, the sockets are
spread over the slots, one failing socket does not stop the others, and the reader answers a
beat with a ping, then with a close once the pong never came.
"""

import socket
import threading
import time

import pytest
from simple_websocket import ConnectionClosed
from wsproto import ConnectionType
from wsproto.connection import Connection, ConnectionState
from wsproto.events import CloseConnection

from counsel.ertc.transport.heartbeat import Heartbeat, heartbeat
from counsel.ertc.transport.reader import Reader


class Counter:
    def __init__(self, fail: bool = False):
        self.times: list[float] = []
        self.fail = fail

    def beat(self) -> None:
        self.times.append(time.monotonic())
        if self.fail:
            raise RuntimeError("this socket is broken")


def test_each_socket_beats_once_per_interval_and_a_failing_one_does_not_stop_others():
    wheel = Heartbeat(interval=0.5, slots=5)
    broken, healthy = Counter(fail=True), Counter()
    slots = wheel.add(broken), wheel.add(healthy)
    time.sleep(1.7)
    wheel.remove(broken, slots[0])  # the wheel runs on after the test: no more failures to log
    assert 2 <= len(healthy.times) <= 4 and 2 <= len(broken.times) <= 4
    gaps = [b - a for a, b in zip(healthy.times, healthy.times[1:], strict=False)]
    assert all(0.3 < gap < 0.9 for gap in gaps)


def test_sockets_added_at_different_times_land_in_different_slots():
    wheel = Heartbeat(interval=0.5, slots=5)
    first = wheel.add(Counter())
    time.sleep(0.25)
    assert wheel.add(Counter()) != first


def test_a_removed_socket_gets_no_more_beats():
    wheel = Heartbeat(interval=0.3, slots=3)
    gone = Counter()
    wheel.remove(gone, wheel.add(gone))
    time.sleep(0.7)
    assert gone.times == []


def test_one_heartbeat_per_interval_in_a_process():
    assert heartbeat(7.0) is heartbeat(7.0) and heartbeat(7.0) is not heartbeat(8.0)


class ServerSide:
    """The simple_websocket.Server fields a Reader uses, on an open wsproto connection."""

    ping_interval = 0.4
    receive_bytes = 4096
    max_message_size = 65536

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.ws = Connection(ConnectionType.SERVER)  # past the handshake, as in the route
        self.input_buffer: list = []
        self.connected = True
        self.pong_received = True
        self.close_reason = self.close_message = None

    def _handle_events(self) -> bool:
        return True


@pytest.fixture
def pair():
    server, client = socket.socketpair()
    yield server, client
    client.close()


def test_a_silent_client_is_pinged_then_dropped_and_the_read_ends(pair):
    server, client = pair
    sent: list[bytes] = []
    missing = threading.Event()
    reader = Reader(ServerSide(server), sent.append, missing.set)
    started = time.monotonic()
    with pytest.raises(ConnectionClosed):
        reader.receive()  # the client sends nothing and answers no ping
    assert missing.is_set() and 0.6 < time.monotonic() - started < 2.0
    assert sent and sent[0][0] == 0x89  # a ping frame went out first
    reader.close()


def test_a_wait_for_the_close_answer_is_ended_by_the_next_beat(pair):
    server, _client = pair
    ws = ServerSide(server)
    reader = Reader(ws, lambda data: None, lambda: None)
    server.sendall(ws.ws.send(CloseConnection(1000)))  # our close; the client never answers
    ws.connected = False
    assert ws.ws.state is ConnectionState.LOCAL_CLOSING
    started = time.monotonic()
    reader.linger()
    assert time.monotonic() - started < 1.5
    reader.close()

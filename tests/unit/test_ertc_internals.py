"""Pins what counsel/ertc/transport/internals.py relies on in simple-websocket and wsproto.

A real simple_websocket.Server over a socket pair, with the /ertc options (no reader thread):
if an upgrade renames or changes any attribute or method the transport uses, a test here fails.
"""

import os
import socket
from importlib.metadata import version

import pytest
import simple_websocket
from packaging.version import Version
from simple_websocket import ConnectionClosed
from wsproto.connection import ConnectionState

from counsel.ertc.transport import internals, server_options
from counsel.ertc.transport.greenio import IdleThread

CLIENT_HANDSHAKE = {
    "HTTP_HOST": "counsel.test",
    "HTTP_UPGRADE": "websocket",
    "HTTP_CONNECTION": "Upgrade",
    "HTTP_SEC_WEBSOCKET_KEY": "dGhlIHNhbXBsZSBub25jZQ==",
    "HTTP_SEC_WEBSOCKET_VERSION": "13",
}


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked client frame (payloads under 126 bytes)."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes((0x80 | opcode, 0x80 | len(payload))) + mask + masked


@pytest.fixture
def server():
    """(simple_websocket.Server, the client's end of the socket pair)."""
    ours, theirs = socket.socketpair()
    environ = {"werkzeug.socket": ours, **CLIENT_HANDSHAKE}
    ws = simple_websocket.Server(environ, **server_options(5.0, 65536))
    theirs.settimeout(2)
    assert theirs.recv(4096).startswith(b"HTTP/1.1 101")
    yield ws, theirs
    ours.close()
    theirs.close()


def test_the_pinned_versions_are_the_installed_ones():
    assert Version("1.1") <= Version(version("simple-websocket")) < Version("1.2")
    assert Version("1.3") <= Version(version("wsproto")) < Version("1.4")


def test_options_and_plain_attributes(server):
    ws, _client = server
    assert isinstance(ws.thread, IdleThread)  # the reader thread is never started
    assert internals.ping_interval(ws) == 5.0 and internals.max_message_size(ws) == 65536
    assert isinstance(internals.raw_socket(ws), socket.socket)
    assert isinstance(internals.recv_size(ws), int) and internals.recv_size(ws) > 0
    assert internals.frame_list(ws) is ws.input_buffer == []
    assert internals.is_connected(ws)
    assert internals.protocol(ws).state is ConnectionState.OPEN
    assert not internals.is_local_closing(ws)


def test_fed_messages_land_in_the_frame_list_that_receive_reads(server):
    ws, _client = server
    frames = internals.frame_list(ws)
    internals.feed(ws, client_frame(0x1, b'{"type":"TXT"}'))
    assert frames == ['{"type":"TXT"}']
    frames.append("appended by the splitter")  # the reader's fast path appends here directly
    assert ws.receive(timeout=0) == '{"type":"TXT"}'
    assert ws.receive(timeout=0) == "appended by the splitter"


def test_pong_flag_and_ping_answer(server):
    ws, client = server
    assert internals.take_pong(ws) is True  # a fresh socket counts as answered
    assert internals.take_pong(ws) is False  # taken: the next ping needs a new pong
    internals.feed(ws, client_frame(0xA, b""))
    assert internals.take_pong(ws) is True
    internals.feed(ws, client_frame(0x9, b"hi"))  # simple-websocket answers a client's ping
    assert client.recv(16) == b"\x8a\x02hi"


def test_a_client_close_is_answered_and_ends_the_connection(server):
    ws, client = server
    internals.feed(ws, client_frame(0x8, (1000).to_bytes(2, "big") + b"bye"))
    assert not internals.is_connected(ws)
    code, reason = internals.close_details(ws)
    assert (int(code), reason) == (1000, "bye")
    assert client.recv(16)[:1] == b"\x88"  # the close answered
    with pytest.raises(ConnectionClosed):
        ws.send("too late")


def test_our_close_waits_for_the_answer_then_a_failed_read_is_recorded(server):
    ws, _client = server
    ws.close(1000, "done")
    assert internals.is_local_closing(ws)
    internals.mark_disconnected(ws)
    assert not internals.is_connected(ws)

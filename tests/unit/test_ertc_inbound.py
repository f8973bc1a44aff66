"""The inbound splitter against wsproto itself: same messages, same errors, any chunking.

Hypothesis builds client byte streams (plain text frames, pings and pongs, fragments, binary,
oversized, unmasked, non-UTF-8 and non-minimal-length frames, a close) and cuts them anywhere;
the splitter + wsproto must hand the room exactly what wsproto alone hands it.
"""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import BytesMessage, CloseConnection, Ping, Pong, TextMessage
from wsproto.utilities import RemoteProtocolError

from counsel.ertc.transport.splitter import Splitter, unmask

MAX = 300


def frame(opcode: int, payload: bytes, *, fin=True, masked=True, rsv=0, wide=False) -> bytes:
    """A client frame, built by hand so that it can also be malformed."""
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    size = len(payload)
    if size < 126 and not wide:
        head += bytes([(0x80 if masked else 0) | size])
    else:
        head += bytes([(0x80 if masked else 0) | 126]) + size.to_bytes(2, "big")
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + unmask(payload, mask)


texts = st.text(max_size=120).map(str.encode)
plain = texts.map(lambda b: frame(0x1, b))
control = st.tuples(st.sampled_from([0x9, 0xA]), st.binary(max_size=20)).map(
    lambda pair: frame(*pair)
)
odd = st.one_of(
    texts.map(lambda b: frame(0x1, b, fin=False) + frame(0x0, b"tail")),
    st.binary(max_size=20).map(lambda b: frame(0x2, b)),
    st.just(frame(0x1, b"x" * (MAX + 1))),
    st.just(frame(0x1, b"hello", masked=False)),
    st.just(frame(0x1, b"hello", rsv=0x40)),
    st.just(frame(0x1, b"\xff\xfe")),
    st.just(frame(0x1, b"short", wide=True)),
    st.just(frame(0x8, (1000).to_bytes(2, "big") + b"bye")),
)
streams = st.lists(st.one_of(plain, plain, control, odd), max_size=12).map(b"".join)


def wsproto_alone(data: bytes, cuts: list[int]) -> list:
    conn = Connection(ConnectionType.SERVER)
    return _run(conn, [data[a:b] for a, b in _spans(data, cuts)], conn.receive_data)


def with_splitter(data: bytes, cuts: list[int]) -> list:
    conn, splitter, out = Connection(ConnectionType.SERVER), Splitter(MAX), []

    def feed(chunk: bytes) -> None:
        for piece in splitter.feed(chunk):
            if isinstance(piece, str):
                out.append(("text", piece))
            else:
                conn.receive_data(piece)
                out.extend(_events(conn))

    try:
        for a, b in _spans(data, cuts):
            feed(data[a:b])
    except RemoteProtocolError:
        out.append(("error",))
    return _merge(out)


def _spans(data: bytes, cuts: list[int]) -> list[tuple[int, int]]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return list(zip(points, points[1:], strict=False))


def _run(conn: Connection, chunks: list[bytes], feed) -> list:
    out = []
    try:
        for chunk in chunks:
            feed(chunk)
            out.extend(_events(conn))
    except RemoteProtocolError:
        out.append(("error",))
    return _merge(out)


def _events(conn: Connection) -> list:
    out = []
    for event in conn.events():
        if isinstance(event, TextMessage):
            out.append(("text-part", event.data, event.message_finished))
        elif isinstance(event, BytesMessage):
            out.append(("bytes-part", bytes(event.data), event.message_finished))
        elif isinstance(event, (Ping, Pong)):
            out.append((type(event).__name__, bytes(event.payload)))
        elif isinstance(event, CloseConnection):
            out.append(("close", event.code))
    return out


def _merge(events: list) -> list:
    """Join message parts into whole messages, as simple-websocket does."""
    merged, parts = [], []
    for event in events:
        if event[0] in ("text-part", "bytes-part"):
            parts.append(event[1])
            if event[2]:
                kind = "text" if event[0] == "text-part" else "bytes"
                merged.append((kind, type(parts[0])().join(parts)))
                parts = []
        else:
            merged.append(event)
    return merged


@settings(max_examples=400, deadline=None)
@given(streams, st.lists(st.integers(min_value=0), max_size=6))
def test_the_splitter_hands_on_what_wsproto_alone_would(data, cuts):
    assert with_splitter(data, cuts) == wsproto_alone(data, cuts)


def test_plain_frames_never_reach_wsproto():
    splitter = Splitter(MAX)
    pieces = list(splitter.feed(frame(0x1, "grüß".encode()) + frame(0x1, b"{}")))
    assert pieces == ["grüß", "{}"] and not splitter.passthrough


def test_a_pong_goes_to_wsproto_whole_and_plain_frames_continue():
    splitter = Splitter(MAX)
    pong = frame(0xA, b"")
    assert list(splitter.feed(pong[:1])) == []
    assert list(splitter.feed(pong[1:] + frame(0x1, b"a"))) == [pong, "a"]
    assert not splitter.passthrough


@pytest.mark.parametrize(
    "odd",
    [frame(0x2, b"bin"), frame(0x1, b"x", fin=False), frame(0x1, b"\xff"), frame(0x1, b"x" * 301)],
)
def test_an_unusual_frame_hands_the_rest_of_the_connection_to_wsproto(odd):
    splitter, later = Splitter(MAX), frame(0x1, b"later")
    assert list(splitter.feed(odd + later)) == [odd + later]
    assert splitter.passthrough and list(splitter.feed(b"more")) == [b"more"]

"""Frame size limits and flood control over a real socket."""

import contextlib
import json
import statistics
import threading
import time

import websocket

from tests.helpers.samples import CANDIDATE
from tests.helpers.stack import ledger_rows


def padded_txt(total_bytes: int, pad_char: str = "a") -> str:
    """A valid TXT frame of exactly `total_bytes` of UTF-8, padded with an ignored field."""
    base = json.dumps({"type": "TXT", "text": "big", "client_id": "big-1", "pad": ""})
    room = total_bytes - len(base.encode())
    width = len(pad_char.encode())
    frame = base[:-2] + pad_char * (room // width) + "a" * (room % width) + '"}'
    assert len(frame.encode()) == total_bytes
    return frame


def send_ignoring_reset(send) -> None:
    """Send; the server may close while we are still writing."""
    with contextlib.suppress(BrokenPipeError, ConnectionResetError, websocket.WebSocketException):
        send()


def test_frame_of_65536_bytes_is_handled(pair):
    member, expert, _ = pair
    member.send(padded_txt(65536))
    ack = member.expect(type="TXT")
    assert ack["text"] == "big" and "pad" not in ack


def test_frame_of_65537_bytes_is_closed_with_1009(pair):
    member, expert, _ = pair
    send_ignoring_reset(lambda: member.send(padded_txt(65537)))
    assert member.expect_close() == 1009


def test_multibyte_frame_over_65536_bytes_is_closed_with_1009(pair):
    member, expert, _ = pair
    frame = padded_txt(65537 + 2, pad_char="é")  # fewer characters than bytes
    assert len(frame) < 65536
    send_ignoring_reset(lambda: member.send(frame))
    assert member.expect_close() == 1009


def test_five_megabyte_binary_frame_is_closed_with_1009(pair):
    member, expert, _ = pair
    send_ignoring_reset(lambda: member.ws.send_binary(b"\0" * 5_000_000))
    assert member.expect_close() == 1009
    assert expert.expect(event="left", role="member")["reason"] == "closed"


def test_a_burst_gets_too_fast_once_and_the_socket_stays_open(stack, pair):
    member, expert, session_id = pair
    for n in range(90):
        member.txt(f"burst {n}", client_id=f"b-{n}")
    frames = member.quiet(1.0)
    errors = [f for f in frames if f.get("event") == "error"]
    assert [e["code"] for e in errors] == ["too-fast"]
    acked = [f["client_id"] for f in frames if f.get("type") == "TXT"]
    assert 55 <= len(acked) < 90
    time.sleep(1.5)  # calm down; then everything works again
    member.txt("after the pause", client_id="calm")
    assert member.expect(type="TXT")["client_id"] == "calm"
    stored = [row.client_id for row in ledger_rows(stack, session_id) if row.type == "TXT"]
    assert stored == [*acked, "calm"]


def test_two_hundred_candidates_in_a_second_get_too_fast_then_1008(pair):
    member, expert, _ = pair
    frame = json.dumps({"type": "candidate", "candidate": CANDIDATE})
    for _ in range(200):
        send_ignoring_reset(lambda: member.send(frame))
        time.sleep(0.004)
    assert member.expect(event="error")["code"] == "too-fast"
    assert member.expect_close() == 1008


def test_thousand_lines_in_two_seconds_close_the_flooder_not_others(connect, new_session, pair):
    member, expert, _ = pair
    other = new_session()
    calm = connect("member", other)
    latencies = []

    def chat_elsewhere():
        for n in range(10):
            started = time.monotonic()
            calm.txt(f"calm {n}", client_id=f"calm-{n}")
            calm.expect(type="TXT", client_id=f"calm-{n}")
            latencies.append(time.monotonic() - started)
            time.sleep(0.1)

    elsewhere = threading.Thread(target=chat_elsewhere)
    elsewhere.start()
    for n in range(1000):
        send_ignoring_reset(lambda n=n: member.txt("flood", client_id=f"f-{n}"))
        time.sleep(0.002)
    elsewhere.join()
    assert member.expect(event="error")["code"] == "too-fast"
    assert member.expect_close() == 1008
    # Generous bounds: the machine running the tests may be busy with other work.
    assert len(latencies) == 10 and statistics.median(latencies) < 0.3, latencies
    assert max(latencies) < 1.5, latencies

"""What travels on the wire for each server: URLs, headers and ~200-byte signaling frames.

Counsel (and the bare relay, which mimics it) and the PeerJS server get the same work: the same
SDP and ICE-candidate text, each in its own protocol's envelope. A send timestamp (monotonic ns,
system-wide on Linux) rides inside the SDP's session id or the candidate's foundation, so the
receiving socket can compute the one-way latency without parsing JSON.
"""

import json
import re
from dataclasses import dataclass

SDP = (
    "v=0\r\no=- {ts} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=ice-ufrag:Xq3b\r\n"
)
CANDIDATE = "candidate:{ts} 1 udp 2122260223 127.0.0.1 50000 typ host generation 0 ufrag Xq3b"
TIMESTAMP = re.compile(rb"(?:o=- |candidate:)(\d+)")
TEXT = "Thank you, that helps. Could we talk about the week ahead next time? " * 2
USER_AGENT = "counsel-bench/1"
# One round trip alternates an offer/answer pair with a candidate pair.
KINDS = (("offer", "answer"), ("candidate", "candidate"))


@dataclass(frozen=True)
class RoomSpec:
    """One room: its key (session id or PeerJS id stem) and the two sides' login cookies."""

    key: int
    cookies: tuple[str | None, str | None] = (None, None)


def timestamp(data: bytes) -> int | None:
    """The send time a signaling frame carries, in monotonic ns."""
    match = TIMESTAMP.search(data)
    return int(match.group(1)) if match else None


def _signal_body(kind: str, ts: int) -> dict:
    if kind == "candidate":
        line = CANDIDATE.format(ts=ts)
        return {"candidate": {"candidate": line, "sdpMid": "0", "sdpMLineIndex": 0}}
    return {"sdp": SDP.format(ts=ts)}


class CounselDialect:
    """Counsel's /ertc protocol (docs/protocol.md); also spoken by bench/bare_relay.py."""

    name = "counsel"

    def __init__(self, base_url: str, cookie_name: str = "counsel"):
        self.base_url = base_url.rstrip("/")
        self.cookie_name = cookie_name

    def url(self, room: RoomSpec, side: int) -> str:
        ws = self.base_url.replace("http", "ws", 1)
        return f"{ws}/ertc?session={room.key}&after=0"

    def headers(self, room: RoomSpec, side: int) -> list[tuple[str, str]]:
        headers = [("Origin", self.base_url), ("User-Agent", USER_AGENT)]
        cookie = room.cookies[side]
        if cookie:
            headers.append(("Cookie", f"{self.cookie_name}={cookie}"))
        return headers

    def is_control(self, data: bytes) -> bool:
        return b'"SYS"' in data

    def signal(self, room: RoomSpec, side: int, kind: str, ts: int) -> bytes:
        return json.dumps({"type": kind, **_signal_body(kind, ts)}).encode()

    def txt(self, client_id: str) -> bytes:
        return json.dumps({"type": "TXT", "text": TEXT, "client_id": client_id}).encode()

    def control(self, body: dict) -> tuple[str, dict]:
        """(event, body) of a server notice: welcome, joined, left, error, ..."""
        return body.get("event", "unknown"), body


class PeerJSDialect:
    """The PeerJS server's protocol (npm package `peer`, dist/bin/peerjs.js)."""

    name = "peerjs"

    def __init__(self, base_url: str, key: str = "peerjs"):
        self.base_url = base_url.rstrip("/")
        self.key = key

    @staticmethod
    def peer_id(room: RoomSpec, side: int) -> str:
        return f"r{room.key}{'ab'[side]}"

    def url(self, room: RoomSpec, side: int) -> str:
        ws = self.base_url.replace("http", "ws", 1)
        return f"{ws}/peerjs?key={self.key}&id={self.peer_id(room, side)}&token=t{room.key}"

    def headers(self, room: RoomSpec, side: int) -> list[tuple[str, str]]:
        return [("Origin", self.base_url), ("User-Agent", USER_AGENT)]

    def is_control(self, data: bytes) -> bool:
        return b'"src"' not in data

    def signal(self, room: RoomSpec, side: int, kind: str, ts: int) -> bytes:
        body = _signal_body(kind, ts)
        if kind != "candidate":
            body = {"sdp": {"type": kind, **body}}
        frame = {"type": kind.upper(), "dst": self.peer_id(room, 1 - side), "payload": body}
        return json.dumps(frame).encode()

    def heartbeat(self) -> bytes:
        return b'{"type":"HEARTBEAT"}'

    def control(self, body: dict) -> tuple[str, dict]:
        kind = body.get("type", "unknown")
        return ("welcome" if kind == "OPEN" else kind.lower()), body


def make_dialect(name: str, base_url: str) -> CounselDialect | PeerJSDialect:
    """The dialect for a target: counsel and bare speak /ertc, peerjs speaks PeerJS."""
    return PeerJSDialect(base_url) if name == "peerjs" else CounselDialect(base_url)

"""A room of two picows sockets and the three kinds of work it can do.

The hot path (a frame arrives, the next one is sent) stays in picows callbacks: no coroutine, no
JSON parsing of signaling frames, pre-encoded frames in the closed loop.
"""

import asyncio
import itertools
import json
import random
import time

import picows

from bench.stats import Stats
from bench.wire import KINDS, RoomSpec, timestamp

TEXT = picows.WSMsgType.TEXT
RETRY_CODES = {"too-fast", "not-saved", "peer-absent"}
RETRY_SECONDS = 0.25
HEARTBEAT_SECONDS = 5.0  # what PeerJS's browser client sends


class Peer(picows.WSListener):
    """One socket of a room; hands every text frame to its room."""

    def __init__(self, room: "Room", side: int):
        super().__init__()
        self.room = room
        self.side = side
        self.is_control = room.dialect.is_control  # bound once: this is the hot path
        self.on_signal = room.on_signal
        self.transport: picows.WSTransport | None = None
        self.ready_ns = 0
        self.role: str | None = None
        self.last: bytes = b""
        self.sent_ns = 0
        self.count = 0

    def on_ws_connected(self, transport: picows.WSTransport) -> None:
        self.transport = transport

    def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
        if frame.msg_type is not TEXT:
            return  # picows answers pings itself
        data = frame.get_payload_as_bytes()
        if self.is_control(data):
            self.room.on_control(self, data)
        else:
            self.on_signal(self, data)

    def on_ws_disconnected(self, transport: picows.WSTransport) -> None:
        self.room.on_closed(self)

    def send(self, data: bytes) -> None:
        self.last = data
        self.transport.send(TEXT, data)


class Room:
    """Two peers and their shared bookkeeping; subclasses define the work."""

    def __init__(self, spec: RoomSpec, dialect, stats: Stats):
        self.spec = spec
        self.dialect = dialect
        self.stats = stats
        self.peers = (Peer(self, 0), Peer(self, 1))
        self.running = False

    @property
    def ready(self) -> bool:
        return all(peer.ready_ns for peer in self.peers)

    def on_control(self, peer: Peer, data: bytes) -> None:
        event, body = self.dialect.control(json.loads(data))
        if event == "welcome":
            peer.ready_ns, peer.role = time.monotonic_ns(), body.get("role")
            return
        code = body.get("code") or (body.get("payload") or {}).get("msg")
        self.stats.events[f"{event}:{code}" if code else event] += 1
        if code in RETRY_CODES and self.running:
            asyncio.get_running_loop().call_later(RETRY_SECONDS, self._resend, peer)

    def _resend(self, peer: Peer) -> None:
        if self.running and peer.transport and not peer.transport.is_disconnected:
            peer.transport.send(TEXT, peer.last)

    def on_closed(self, peer: Peer) -> None:
        if self.running:
            self.stats.events["closed-during-run"] += 1

    def start(self, start_ns: int, end_ns: int) -> None:
        self.running = True
        if hasattr(self.dialect, "heartbeat"):
            asyncio.get_running_loop().call_later(random.random(), self._heartbeat)

    def _heartbeat(self) -> None:
        if not self.running:
            return
        for peer in self.peers:
            peer.transport.send(TEXT, self.dialect.heartbeat())
        asyncio.get_running_loop().call_later(HEARTBEAT_SECONDS, self._heartbeat)

    def on_signal(self, peer: Peer, data: bytes) -> None:
        raise NotImplementedError


class ClosedLoopRoom(Room):
    """One frame in flight per room: each arrival is answered at once, as fast as possible."""

    def start(self, start_ns: int, end_ns: int) -> None:
        frames = [
            [self.dialect.signal(self.spec, side, pair[side], 0) for pair in KINDS]
            for side in (0, 1)
        ]
        self.outbox = [itertools.cycle(frames[0]), itertools.cycle(frames[1])]
        super().start(start_ns, end_ns)
        self.peers[0].send(next(self.outbox[0]))

    def on_signal(self, peer: Peer, data: bytes) -> None:
        self.stats.arrivals += 1  # no clock read per frame: the worker snapshots the counter
        if self.running:
            peer.send(next(self.outbox[peer.side]))


class PacedRoom(Room):
    """One round trip per second at a random phase; every arrival's one-way latency recorded."""

    def start(self, start_ns: int, end_ns: int) -> None:
        super().start(start_ns, end_ns)
        self.next_ns = start_ns + int(random.random() * 1e9)
        self.round = 0
        self._schedule()

    def _schedule(self) -> None:
        delay = (self.next_ns - time.monotonic_ns()) / 1e9
        asyncio.get_running_loop().call_later(max(0.0, delay), self._tick)

    def _tick(self) -> None:
        if not self.running:
            return
        kind = KINDS[self.round % 2][0]
        self.round += 1
        self._send(self.peers[0], kind)
        self.next_ns += 1_000_000_000  # absolute schedule: a slow server does not slow us
        self._schedule()

    def _send(self, peer: Peer, kind: str) -> None:
        now = time.monotonic_ns()
        peer.send(self.dialect.signal(self.spec, peer.side, kind, now))
        self.stats.count_sent(now)

    def on_signal(self, peer: Peer, data: bytes) -> None:
        if self.stats.latency(timestamp(data), time.monotonic_ns()):
            self.stats.received += 1
        if peer.side == 1 and self.running:
            self._send(peer, "candidate" if b"candidate:" in data else "answer")


class TxtRoom(Room):
    """Both people chat as fast as their acknowledgements come back (Counsel only)."""

    def start(self, start_ns: int, end_ns: int) -> None:
        super().start(start_ns, end_ns)
        for peer in self.peers:
            self._send_txt(peer)

    def _send_txt(self, peer: Peer) -> None:
        peer.count += 1
        peer.sent_ns = time.monotonic_ns()
        peer.send(self.dialect.txt(f"{self.spec.key}{'ab'[peer.side]}-{peer.count}"))

    def on_signal(self, peer: Peer, data: bytes) -> None:
        body = json.loads(data)
        if body.get("type") != "TXT":
            self.stats.events[f"frame:{body.get('type')}"] += 1
        elif body.get("from") != peer.role:
            self.stats.count_received()  # the peer's copy
        else:
            if self.stats.latency(peer.sent_ns, time.monotonic_ns()):
                self.stats.acked += 1
            if self.running:
                self._send_txt(peer)


MODES = {"closed": ClosedLoopRoom, "paced": PacedRoom, "txt": TxtRoom}

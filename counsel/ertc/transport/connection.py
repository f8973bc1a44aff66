"""One room WebSocket: a bounded outbound queue, one writer at a time, and its close rules.

No greenlet waits for a peer. A frame for an idle socket is written at once with a
non-blocking write from whoever queued it (the peer's handler, the Redis listener); when the
socket's buffer is full, the rest goes to a short-lived writer that drains the queue under the
send timeout and exits. Only that writer ever waits on the socket, so a peer that stops reading
can only block its own writer, and one writer at a time keeps the order. A full queue or a send
that takes longer than the send timeout drops that socket. Closing is also queued, so a notice
sent before a close (for example `replaced`) is delivered before the close frame.
"""

import contextlib
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from simple_websocket import ConnectionClosed, Server

from counsel.ertc.protocol import (
    CLOSED,
    NORMAL_CLOSURE,
    PING_TIMEOUT_TEXT,
    POLICY_VIOLATION,
    TIMEOUT,
    peer_of,
)
from counsel.ertc.transport import internals
from counsel.ertc.transport.framing import encode
from counsel.ertc.transport.internals import LocalProtocolError
from counsel.ertc.transport.reader import Reader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Close:
    code: int
    text: str


def _frames(item: dict | list) -> list[dict]:
    return item if isinstance(item, list) else [item]


def _writes_without_waiting(sock: Any) -> bool:
    """True when os.write on the socket's descriptor never blocks and is the whole protocol.

    A socket with a timeout (gevent's always) has a non-blocking descriptor; under TLS the
    bytes must go through the TLS object, so that socket always uses the writer.
    """
    return not hasattr(sock, "do_handshake") and bool(sock.gettimeout())


class Connection:
    """A participant's socket in a session, with its outbound queue and writer."""

    def __init__(
        self,
        ws: Server,
        session_id: int,
        role: str,
        user_id: int,
        *,
        queue_size: int = 256,
        send_timeout: float = 10.0,
    ):
        if not internals.ping_interval(ws):
            # Pings are how a silent client is noticed (and the reader's wait is bounded).
            raise ValueError("the /ertc socket needs a ping_interval")
        self.ws = ws
        self._sock = internals.raw_socket(ws)
        self._protocol = internals.protocol(ws)  # its state says whether frames may be sent
        self._frames_in = internals.frame_list(ws)
        self.id = uuid.uuid4().hex
        self.session_id = session_id
        self.role = role
        self.user_id = user_id
        self.end_reason: str | None = None
        self._send_timeout = send_timeout
        self._queue_size = queue_size
        # Frames, frame lists, unsent bytes, then a _Close. A list: a deque's first block
        # costs 0.6 KiB per socket, and the queue is short unless the peer reads slowly.
        self._queue: list = []
        self._held: list[dict] | None = []  # live frames waiting for the welcome and replay
        self._replayed_to = 0  # the replay's last seq: live copies up to it are duplicates
        self._closing = False
        self._direct = False  # set by start(): write at once when idle
        self._writing = False  # a writer owns the socket's sending side
        self._writer: threading.Thread | None = None
        self._lock = threading.Lock()
        self._reader = Reader(ws, self._send_bytes, self._pong_missing)

    @property
    def peer_role(self) -> str:
        return peer_of(self.role)

    @property
    def closing(self) -> bool:
        return self._closing

    def start(self) -> None:
        """Bound every send by the send timeout (which also makes the descriptor non-blocking)."""
        self._sock.settimeout(self._send_timeout)
        self._direct = _writes_without_waiting(self._sock)

    def send(self, frame: dict[str, Any]) -> bool:
        """Queue a frame of this connection's own conversation (welcome, replay, errors)."""
        with self._lock:
            return self._put(frame)

    def _send_bytes(self, data: bytes) -> None:
        """Queue frames already encoded (the reader's pings), unbounded like a close."""
        with self._lock:
            self._put(data, bounded=False)

    def _pong_missing(self) -> None:
        self.close(POLICY_VIOLATION, PING_TIMEOUT_TEXT, why=TIMEOUT)

    def deliver(self, frame: dict[str, Any]) -> bool:
        """Queue a live frame from the relay; held back until the replay is queued."""
        with self._lock:
            return self._offer(frame)

    def _offer(self, frame: dict[str, Any]) -> bool:
        if self._held is not None:
            self._held.append(frame)
            return not self._closing
        if frame.get("seq") is not None and frame["seq"] <= self._replayed_to:
            return True  # already in this socket's replay (counsel/ertc/seat.py says why)
        return self._put(frame)

    def open(self, frames: list[dict[str, Any]], last_seq: int) -> None:
        """Queue the welcome and replay, then the live frames that arrived meanwhile."""
        with self._lock:
            self._put(list(frames))  # one item: a long replay is not a slow reader
            held, self._held, self._replayed_to = self._held or [], None, last_seq
            for frame in held:
                self._offer(frame)

    def _put(self, item: Any, bounded: bool = True) -> bool:
        if self._closing:
            return False
        if bounded and len(self._queue) >= self._queue_size:
            log.warning("ertc: dropping slow socket session=%s role=%s", self.session_id, self.role)
            self._abort(TIMEOUT)
            return False
        self._queue.append(item)
        if not self._writing:
            self._write_now()
        return True

    def _write_now(self) -> None:
        """With the lock held and no writer: write what fits now, hand the rest to a writer."""
        queue = self._queue
        while self._direct and queue and not isinstance(queue[0], _Close):
            try:
                data = self._bytes(queue.pop(0))
                sent = os.write(self._sock.fileno(), data)
            except BlockingIOError:
                sent = 0
            except (OSError, LocalProtocolError):
                self._abort(None)
                return
            if sent < len(data):
                queue.insert(0, data[sent:])
                break
        if queue:
            self._writing = True
            self._writer = threading.Thread(target=self._write_loop, daemon=True)
            self._writer.start()

    def _bytes(self, item: Any) -> bytes:
        return item if isinstance(item, bytes) else encode(_frames(item), self._protocol.state)

    def close(self, code: int, text: str = "", why: str | None = CLOSED) -> None:
        """Queue a close frame after what is already queued; `why` is kept for presence."""
        with self._lock:
            if self._closing:
                return
            if self.end_reason is None:
                self.end_reason = why
            self._put(_Close(code, text), bounded=False)
            self._closing = True

    def abort(self, why: str | None = CLOSED) -> None:
        """Drop the socket now, without a close frame (it cannot be sent anyway)."""
        with self._lock:
            self._abort(why)

    def _abort(self, why: str | None) -> None:
        if self.end_reason is None:
            self.end_reason = why
        self._closing = True
        self._queue.clear()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes a writer stuck in send, and the reader

    def receive(self) -> str | bytes:
        """The next frame from the client; raises ConnectionClosed once it is gone."""
        if self._closing:
            raise ConnectionClosed()
        return self._reader.receive()

    def backlog(self) -> int:
        """Frames received but not yet handled."""
        return len(self._frames_in)

    def reason(self) -> str:
        """Why the socket ended: what the server decided (a missing pong too), else closed."""
        return self.end_reason or CLOSED

    def finish(self) -> None:
        """Close if still open, wait for the last writer, let the client answer, free the socket.

        Called from the socket's own greenlet, the only one that reads it.
        """
        self.close(NORMAL_CLOSURE, why=self.reason())
        with self._lock:
            writer = self._writer
        if writer is not None:
            writer.join(timeout=self._send_timeout + 1)
            if writer.is_alive():
                self.abort(TIMEOUT)
        self._reader.linger()  # so the client reads our close code
        self._reader.close()

    def _next(self) -> Any:
        """The next item for the writer, or None (and the writer's end) when none is left."""
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
            self._writing = False
            return None

    def _write_loop(self) -> None:
        while (item := self._next()) is not None:
            if isinstance(item, _Close):
                self._close_socket(item)
                return
            if not self._write(item):
                return

    def _write(self, item: Any) -> bool:
        try:
            # sendall, not simple-websocket's send(), which ignores partial writes
            self._sock.sendall(self._bytes(item))
            return True
        except TimeoutError:
            log.warning("ertc: send timed out session=%s role=%s", self.session_id, self.role)
            self.abort(TIMEOUT)
        except (OSError, LocalProtocolError):
            self.abort(None)
        return False

    def _close_socket(self, close: _Close) -> None:
        with contextlib.suppress(ConnectionClosed, OSError, LocalProtocolError):
            self.ws.close(close.code, close.text or None)

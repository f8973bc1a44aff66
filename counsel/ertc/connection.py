"""One room WebSocket: a bounded outbound queue drained by one writer, and its close rules.

Nothing but the writer touches the socket for sending, so a peer that stops reading can only
block its own writer; everyone else just puts frames in its queue. A full queue or a send that
takes longer than the send timeout drops that socket. Closing is also queued, so a notice sent
before a close (for example `replaced`) is delivered before the close frame.
"""

import contextlib
import json
import logging
import queue
import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from simple_websocket import ConnectionClosed, Server
from wsproto.connection import ConnectionState
from wsproto.events import TextMessage
from wsproto.utilities import LocalProtocolError

log = logging.getLogger(__name__)

# Why a socket ended; "replaced" and "ended" mean the peer must not be told `left`.
CLOSED, TIMEOUT, REPLACED, ENDED = "closed", "timeout", "replaced", "ended"
LINGER_SECONDS = 2.0  # wait this long for the client's answer to our close frame


@dataclass(frozen=True)
class _Close:
    code: int
    text: str


def _frames(item: dict | list) -> list[dict]:
    return item if isinstance(item, list) else [item]


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
        if not ws.ping_interval:
            # Reads only happen after select() says "readable", so the socket timeout below
            # bounds sends only; without pings simple-websocket would block in recv().
            raise ValueError("the /ertc socket needs a ping_interval")
        self.ws = ws
        self.id = uuid.uuid4().hex
        self.session_id = session_id
        self.role = role
        self.user_id = user_id
        self.end_reason: str | None = None
        self._send_timeout = send_timeout
        self._queue_size = queue_size
        self._queue: queue.Queue = queue.Queue()  # bounded by _put, so closes always fit
        self._held: list[dict] | None = []  # live frames waiting for the welcome and replay
        self._replayed_to = 0  # the replay's last seq: live copies up to it are duplicates
        self._closing = False
        self._lock = threading.Lock()
        self._writer = threading.Thread(
            target=self._write_loop, daemon=True, name=f"ertc-writer-{self.id[:8]}"
        )

    @property
    def peer_role(self) -> str:
        return "expert" if self.role == "member" else "member"

    @property
    def closing(self) -> bool:
        return self._closing

    def start(self) -> None:
        """Bound every send by the send timeout and start the writer."""
        self.ws.sock.settimeout(self._send_timeout)
        self._writer.start()

    def send(self, frame: dict[str, Any]) -> bool:
        """Queue a frame of this connection's own conversation (welcome, replay, errors)."""
        with self._lock:
            return self._put(frame)

    def deliver(self, frame: dict[str, Any]) -> bool:
        """Queue a live frame from the relay; held back until the replay is queued."""
        with self._lock:
            return self._offer(frame)

    def _offer(self, frame: dict[str, Any]) -> bool:
        if self._held is not None:
            self._held.append(frame)
            return not self._closing
        if frame.get("seq") is not None and frame["seq"] <= self._replayed_to:
            return True  # already in this socket's replay (seat.join says why)
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
        if bounded and self._queue.qsize() >= self._queue_size:
            log.warning("ertc: dropping slow socket session=%s role=%s", self.session_id, self.role)
            self._abort(TIMEOUT)
            return False
        self._queue.put_nowait(item)
        return True

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
        with contextlib.suppress(OSError):
            self.ws.sock.shutdown(socket.SHUT_RDWR)  # wakes a writer stuck in send
        self.ws.event.set()

    def receive(self) -> str | bytes:
        """The next frame from the client; raises ConnectionClosed once it is gone."""
        if self._closing:
            raise ConnectionClosed()
        return self.ws.receive()

    def backlog(self) -> int:
        """Frames received but not yet handled."""
        return len(self.ws.input_buffer)

    def reason(self) -> str:
        """Why the socket ended: what the server decided, else a ping timeout, else closed."""
        return self.end_reason or (TIMEOUT if self._ping_timed_out() else CLOSED)

    def finish(self) -> None:
        """Close if still open and wait for the writer to finish."""
        self.close(1000, why=self.reason())
        self._writer.join(timeout=self._send_timeout + LINGER_SECONDS + 1)
        if self._writer.is_alive():
            self.abort(TIMEOUT)

    def _ping_timed_out(self) -> bool:
        """simple-websocket closed the socket itself because pongs stopped coming."""
        ws = self.ws
        too_big = ws.max_message_size and ws.incoming_message_len > ws.max_message_size
        return ws.ws.state is ConnectionState.LOCAL_CLOSING and not ws.pong_received and not too_big

    def _write_loop(self) -> None:
        while True:
            item = self._queue.get()
            if isinstance(item, _Close):
                self._close_socket(item)
                return
            if not all(self._write(frame) for frame in _frames(item)):
                return

    def _write(self, frame: dict[str, Any]) -> bool:
        try:
            # sendall, not simple-websocket's send(), which ignores partial writes
            data = self.ws.ws.send(TextMessage(data=json.dumps(frame)))
            self.ws.sock.sendall(data)
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
        # Let the client answer our close before the socket goes, so it reads our code.
        self.ws.thread.join(timeout=LINGER_SECONDS)
        if self.ws.thread.is_alive():
            self.abort(None)
        self.ws.event.set()

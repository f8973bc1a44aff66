"""Reading a /ertc socket in the route's own greenlet: frames, pings and the closing handshake.

simple-websocket reads every socket in a background thread (a greenlet under gevent) that parses
frames with wsproto and hands each one over through an Event. For a relay that is two more
greenlet switches and an Event per frame, and one more greenlet per socket. Here the route's
greenlet waits for the socket itself, with no timer, decodes plain text frames itself
(splitter.py) and feeds the rest to wsproto through simple-websocket, whose buffer it reads
(internals.py holds every touch of their internals); the background thread is never started
(`IdleThread` in the SOCK_SERVER_OPTIONS that counsel/ertc/__init__.py builds).

The timed part is the worker's heartbeat (heartbeat.py): a ping every
`ping_interval`, and a pong still missing at the next beat ends the socket, as in
simple-websocket. To end a wait, the heartbeat shuts the socket's reading side: the wait sees
end-of-file while the close frame can still be sent.
"""

import contextlib
import socket
from collections.abc import Callable
from typing import Any

from simple_websocket import ConnectionClosed

from counsel.ertc.transport import internals
from counsel.ertc.transport.greenio import read_selector
from counsel.ertc.transport.heartbeat import heartbeat
from counsel.ertc.transport.internals import LocalProtocolError
from counsel.ertc.transport.splitter import Splitter

PING = b"\x89\x00"  # a final ping frame with no payload, as wsproto encodes Ping()
MAX_PLAIN_FRAME = 1 << 20  # without a message size limit, larger frames go to wsproto


class Reader:
    """Pulls frames from a simple_websocket.Server whose own reader thread never runs."""

    def __init__(
        self,
        ws: Any,
        send_bytes: Callable[[bytes], object],
        pong_missing: Callable[[], None],
    ):
        self.ws = ws
        self._sock = internals.raw_socket(ws)
        self._frames = internals.frame_list(ws)  # whole messages, in order, for receive()
        self._recv_size = internals.recv_size(ws)
        self._send_bytes = send_bytes  # pings go out through the connection's queue
        self._pong_missing = pong_missing
        self._selector = read_selector()
        self._selector.register(self._sock, 1)  # selectors.EVENT_READ
        self._tls = hasattr(self._sock, "pending")  # gunicorn's own TLS (a proxy's is usual)
        self._splitter = Splitter(internals.max_message_size(ws) or MAX_PLAIN_FRAME)
        self._heartbeat = heartbeat(internals.ping_interval(ws))
        self._slot = self._heartbeat.add(self)

    def receive(self) -> str | bytes:
        """The next whole frame; raises ConnectionClosed once the socket is closed or closing."""
        frames = self._frames
        while not frames:
            if not internals.is_connected(self.ws):
                raise ConnectionClosed(*internals.close_details(self.ws))
            self._wait()
            self._read()
        return frames.pop(0)

    def _wait(self) -> None:
        """Until there is input (under TLS, decrypted bytes may wait where no poll sees them)."""
        if not (self._tls and self._sock.pending()):
            self._selector.select(None)

    def _read(self) -> bool:
        """One recv into the frame list (plain texts here, others via wsproto); False when over."""
        try:
            data = self._sock.recv(self._recv_size)
            if not data:
                raise ConnectionResetError("the client went away")
            for piece in self._splitter.feed(data):
                if isinstance(piece, str):
                    self._frames.append(piece)
                else:
                    internals.feed(self.ws, piece)
            return True
        except (OSError, LocalProtocolError):
            internals.mark_disconnected(self.ws)
            return False

    def beat(self) -> None:
        """The heartbeat's visit, once per ping interval."""
        if not internals.is_connected(self.ws):
            self._wake()  # closing for a beat already: stop waiting for the client's answer
        elif not internals.take_pong(self.ws):
            self._pong_missing()
            self._wake()
        else:
            self._send_bytes(PING)

    def _wake(self) -> None:
        """End the reader's wait with end-of-file; sending still works."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RD)

    def linger(self) -> None:
        """After our close frame: read until the client's close answers it (or a beat wakes us)."""
        while internals.is_local_closing(self.ws):
            self._wait()
            if not self._read():
                return  # the socket ended without an answer

    def close(self) -> None:
        """Leave the heartbeat, free the watcher and the socket (flask-sock leaves it to us)."""
        self._heartbeat.remove(self, self._slot)
        with contextlib.suppress(OSError):
            self._selector.close()
        with contextlib.suppress(OSError):
            self._sock.close()

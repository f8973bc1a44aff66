"""A TCP forwarder on its own loopback port: one person's own path to the server.

Cutting the forwarder's port (policy routing, see netcut) cuts that person only; `swallow()`
makes the connections open now lose every byte from then on (a path that died mid-stream)
while new connections pass again.
"""

import contextlib
import socket
import threading


class Forwarder:
    """127.0.0.1:<port> -> 127.0.0.1:<target>, a thread per direction of each connection."""

    def __init__(self, target: int):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.open: list[socket.socket] = []
        self.lost: set[socket.socket] = set()  # connections whose bytes go nowhere
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                return
            with self.lock:
                self.open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if source not in self.lost:
                    sink.sendall(data)
        # shutdown, not close, wakes the other direction's thread blocked in recv.
        for each in (sink, source):
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)

    def swallow(self) -> None:
        """The connections open now lose everything from here on; new ones pass."""
        with self.lock:
            self.lost.update(self.open)

    def close(self) -> None:
        with contextlib.suppress(OSError):  # wakes the thread blocked in accept
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for each in self.open:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
                each.close()

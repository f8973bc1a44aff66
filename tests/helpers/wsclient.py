"""A real WebSocket client for the /ertc tests: HTTP login, connect, typed receive."""

import base64
import contextlib
import http.cookiejar
import json
import os
import socket
import struct
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

import websocket

from tests.helpers.forms import token_in
from tests.helpers.people import PASSWORD


@dataclass(frozen=True)
class Closed:
    """The server closed the socket with this code."""

    code: int | None


def login_cookie(base_url: str, email: str, password: str = PASSWORD) -> str:
    """Log in through the real form; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/login", timeout=10) as response:
        token = token_in(response.read().decode(), "/login")
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    with opener.open(base_url + "/login", data=form.encode(), timeout=10) as response:
        response.read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert cookies, "login set no cookie"
    return cookies


def post_form(base_url: str, cookie: str, path: str) -> int:
    """POST a form with the CSRF token of the logged-in dashboard; returns the status."""
    headers = {"Cookie": cookie}
    with urllib.request.urlopen(urllib.request.Request(base_url + "/", headers=headers)) as page:
        token = token_in(page.read().decode(), "/")
    data = urllib.parse.urlencode({"csrf_token": token}).encode()
    request = urllib.request.Request(base_url + path, data=data, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Peer:
    """One participant's socket: send dicts, receive dicts or Closed."""

    def __init__(self, ws: websocket.WebSocket):
        self.ws = ws
        self.seen: list[dict] = []

    def send(self, frame: dict[str, Any] | str) -> None:
        self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    def txt(self, text: str, client_id: str | None = None) -> str:
        client_id = client_id or uuid.uuid4().hex
        self.send({"type": "TXT", "text": text, "client_id": client_id})
        return client_id

    def recv(self, timeout: float = 5) -> dict | Closed:
        """The next data frame (answering pings), or Closed."""
        self.ws.settimeout(timeout)
        while True:
            frame = self.ws.recv_frame()
            if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                return self._closed(frame.data)
            if frame.opcode == websocket.ABNF.OPCODE_PING:
                self.ws.pong(frame.data)
            elif frame.opcode == websocket.ABNF.OPCODE_TEXT:
                self.seen.append(json.loads(frame.data))
                return self.seen[-1]

    def _closed(self, data: bytes) -> Closed:
        with contextlib.suppress(OSError, websocket.WebSocketException):
            self.ws.send_close()  # the server may not wait for our answer
        return Closed(struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None)

    def expect(self, timeout: float = 5, **fields: Any) -> dict:
        """Skip frames until one matches all fields; fail on close or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self.recv(max(0.05, deadline - time.monotonic()))
            assert not isinstance(frame, Closed), f"closed with {frame.code} waiting for {fields}"
            if all(frame.get(key) == value for key, value in fields.items()):
                return frame

    def expect_close(self, timeout: float = 5) -> int | None:
        """Skip frames until the server closes; returns the close code."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self.recv(max(0.05, deadline - time.monotonic()))
            if isinstance(frame, Closed):
                return frame.code

    def quiet(self, seconds: float = 0.5) -> list[dict]:
        """Frames received within a short while (to check that nothing arrives)."""
        frames = []
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                frame = self.recv(max(0.05, deadline - time.monotonic()))
                frames.append(frame)
        except websocket.WebSocketTimeoutException:
            pass
        return frames

    def close(self) -> None:
        with contextlib.suppress(OSError, websocket.WebSocketException):
            self.ws.close(timeout=1)
        self.ws.shutdown()  # close() leaves the socket open when the server closed first


def open_socket(
    ws_url: str,
    session_id: int | str | None,
    cookie: str | None = None,
    origin: str | None = None,
    after: int | None = None,
    timeout: float = 5,
) -> websocket.WebSocket:
    """Open /ertc; raises WebSocketBadStatusException (with status_code) when refused."""
    query = {} if session_id is None else {"session": session_id}
    if after is not None:
        query["after"] = after
    url = f"{ws_url}/ertc?{urllib.parse.urlencode(query)}"
    options: dict[str, Any] = {"timeout": timeout, "suppress_origin": origin is None}
    if origin is not None:
        options["origin"] = origin
    if cookie is not None:
        options["cookie"] = cookie
    return websocket.create_connection(url, **options)


def raw_upgrade(
    port: int,
    cookie: str,
    session_id: int,
    origin: str,
    extra_headers: tuple[str, ...] = (),
    rcvbuf: int | None = None,
) -> tuple[socket.socket, str]:
    """Do the upgrade by hand and return the socket and the response head; then read nothing.

    A peer that never reads also never answers a ping: the silent or stalled browser.
    """
    raw = socket.socket()
    if rcvbuf:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    raw.connect(("127.0.0.1", port))
    raw.sendall(upgrade_request(port, cookie, session_id, origin, extra_headers))
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = raw.recv(1)  # byte by byte: leave every frame after the head unread
        if not chunk:
            break
        head += chunk
    return raw, head.decode("latin-1")


def upgrade_request(
    port: int, cookie: str, session_id: int, origin: str, extra_headers: tuple[str, ...] = ()
) -> bytes:
    """The bytes of a WebSocket upgrade request for /ertc."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET /ertc?session={session_id} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: {origin}",
        f"Cookie: {cookie}",
        *extra_headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()

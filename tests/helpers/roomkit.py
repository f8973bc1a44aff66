"""Helpers for the room, file and ICE tests: a client per person, uploads, sample files."""

import hashlib
import io
import secrets
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from counsel.extensions import db
from counsel.models import AuditEvent, SharedFile
from counsel.room.uploads import upload_folder
from tests.helpers.apps import make_app
from tests.helpers.forms import login


def app_fixture(**overrides):
    """An `app` fixture for a test module: the shared test app with these config overrides."""

    @pytest.fixture
    def app(tmp_path):
        app = make_app(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, **overrides)
        yield app
        with app.app_context():
            db.engine.dispose()

    return app


def client_for(app, user=None):
    """A fresh test client, logged in as `user` unless it is None (anonymous)."""
    client = app.test_client()
    if user is not None:
        login(client, user)
    return client


BOUNDARY = "----counselTestBoundary7MA4YWxkTrZu0gW"


def multipart(data: bytes, name: str, content_type: str) -> bytes:
    """A multipart body with field `file`, its name escaped the way browsers do (WHATWG)."""
    escaped = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{escaped}"\r\nContent-Type: {content_type}\r\n\r\n'
    )
    return head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_body(client, session_id: int, body: bytes, token: str | None, declared: int | None = None):
    """POST a raw multipart body; `declared` overrides the Content-Length the server sees."""
    headers = {"X-CSRFToken": token} if token else {}
    environ = {"CONTENT_LENGTH": str(len(body) if declared is None else declared)}
    # A BytesIO body: the test client's own encoder leaves temporary files open.
    return client.post(
        f"/sessions/{session_id}/files",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers,
        environ_overrides=environ,
    )


def upload(
    client,
    session_id: int,
    data: bytes,
    name: str = "note.txt",
    content_type: str = "application/octet-stream",
    token: str | None = None,
):
    """POST a file the way the room page does: multipart field `file`, header X-CSRFToken."""
    return post_body(client, session_id, multipart(data, name, content_type), token)


def folder_contents(app) -> list[str]:
    """Every entry of the upload folder, partial files included."""
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def tiny_png() -> bytes:
    """A valid 1x1 PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def tiny_zip() -> bytes:
    """A real ZIP archive holding one text file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


SAMPLES = {
    "image/png": tiny_png(),
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + b"\x00" * 32 + b"\xff\xd9",
    "image/gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
    b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
    "image/webp": b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11"
    b"\x11\x88\x88\xfe\x07\x00",
    "application/pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "text/plain": "Notes for next week: breathe, walk, write. Ünïcode ✓\n".encode(),
}


def add_file(
    app,
    session,
    uploader,
    data: bytes = b"hello",
    mime: str = "text/plain",
    name: str = "hello.txt",
) -> int:
    """Store a shared file directly (bytes in the upload folder, a row) and return its id."""
    stored = secrets.token_hex(16)
    (upload_folder(app.config["UPLOAD_DIR"]) / stored).write_bytes(data)
    with app.app_context():
        row = SharedFile(
            session_id=session.id,
            uploader_id=uploader.id,
            original_name=name,
            stored_name=stored,
            mime=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def audit_events(app, action: str | None = None) -> list[tuple[str, str, str]]:
    """(action, result, target) of every audit event, oldest first."""
    query = db.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    with app.app_context():
        return [(e.action, e.result, e.target) for e in db.session.scalars(query)]

"""Receiving shared files: a bounded, hashed, type-checked copy into the upload folder."""

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _

from counsel.room import filetypes

CHUNK = 64 * 1024
MEGABYTE = 1024 * 1024
PARTIAL_PREFIX = ".part-"


class UploadRefused(Exception):
    """An upload that is not kept, with the HTTP status that describes why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Received:
    stored_name: str
    size: int
    sha256: str
    mime: str


@dataclass
class _Scan:
    """What is learned about a file while it streams past, without keeping it in memory."""

    size: int = 0
    head: bytes = b""
    digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)
    text: filetypes.TextScan = field(default_factory=filetypes.TextScan)

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if len(self.head) < filetypes.HEAD_BYTES:
            self.head = (self.head + chunk)[: filetypes.HEAD_BYTES]
        self.digest.update(chunk)
        self.text.feed(chunk)


def _copy(source: BinaryIO, target: BinaryIO, limit: int, too_large: str | None) -> _Scan:
    """Copy at most `limit` bytes; refuse with 413 as soon as there is one more."""
    scan = _Scan()
    while chunk := source.read(CHUNK):
        scan.feed(chunk)
        if scan.size > limit:
            size = f"{limit / MEGABYTE:g}"
            raise UploadRefused(413, too_large or _("Files may be at most %(size)s MB.", size=size))
        target.write(chunk)
    return scan


def _kept(scan: _Scan) -> Received:
    """Decide on a scanned file: its type, or the refusal."""
    if scan.size == 0:
        raise UploadRefused(400, _("The file is empty."))
    mime = filetypes.decide(scan.head, scan.text)
    if mime is None:
        raise UploadRefused(
            415,
            _("Only images (PNG, JPEG, GIF, WebP), PDF documents and plain text can be shared."),
        )
    return Received(secrets.token_hex(16), scan.size, scan.digest.hexdigest(), mime)


def upload_folder(configured: str) -> Path:
    """The upload folder, created private to this process's user on first use."""
    folder = Path(configured)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def receive(source: BinaryIO, folder: Path, limit: int, too_large: str | None = None) -> Received:
    """Store a file under a random name in `folder`; on any refusal or error nothing remains.

    `too_large` is the refusal's message when `limit` is not the per-file limit (a quota).
    """
    handle, partial = tempfile.mkstemp(dir=folder, prefix=PARTIAL_PREFIX)
    try:
        with os.fdopen(handle, "wb") as target:
            received = _kept(_copy(source, target, limit, too_large))
        os.replace(partial, folder / received.stored_name)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return received


def discard(folder: Path, stored_name: str) -> None:
    """Remove a stored file, e.g. when its database row could not be saved."""
    (folder / stored_name).unlink(missing_ok=True)

"""Which shared files are allowed, decided by their bytes alone: never by name or Content-Type."""

import codecs
import re
from collections.abc import Callable

PLAIN_TEXT = "text/plain"

# (mime, test on the first bytes). Short on purpose: the allowed list is small and closed.
MAGIC: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    ("application/pdf", lambda head: head.startswith(b"%PDF-")),
)
HEAD_BYTES = 16

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

# The extensions a download may carry for each type; the first is added when the name has none.
EXTENSIONS = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    PLAIN_TEXT: (".txt", ".md", ".csv", ".log"),
}

# C0 controls other than tab, line feed, vertical tab, form feed, carriage return and escape:
# no plain text has them, and every binary format (ZIP, executables) does.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_BOM = "\ufeff"


def sniff_magic(head: bytes) -> str | None:
    """The binary type these first bytes announce, if it is one we allow."""
    for mime, matches in MAGIC:
        if matches(head):
            return mime
    return None


class TextScan:
    """Fed a whole file chunk by chunk: is it UTF-8 text that no browser takes for markup?"""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._valid = True
        self._first: str | None = None

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Scan the next chunk of the file."""
        if not self._valid:
            return
        if _BINARY_BYTES.search(chunk):
            self._valid = False
            return
        try:
            text = self._decoder.decode(chunk, final)
        except UnicodeDecodeError:
            self._valid = False
            return
        if self._first is None:
            stripped = text.lstrip(_BOM + " \t\r\n\f\v")
            self._first = stripped[:1] or None

    def is_plain_text(self) -> bool:
        """True for valid UTF-8 text that does not open like HTML, SVG or XML."""
        self.feed(b"", final=True)
        return self._valid and self._first != "<"


def decide(head: bytes, text: TextScan) -> str | None:
    """The allowed type of a file from its first bytes and its text scan, or None."""
    mime = sniff_magic(head)
    if mime is not None:
        return mime
    return PLAIN_TEXT if text.is_plain_text() else None

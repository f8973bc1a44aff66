"""Names of shared files: safe to show, safe to download, honest about their type."""

import re
import unicodedata
from urllib.parse import quote

from counsel.room.filetypes import EXTENSIONS

MAX_NAME = 255
FALLBACK = "file"
# Control characters, bidi overrides and isolates, zero-width and other invisible formatting:
# they let a name pretend to be another ("photo<RLO>gnp.exe").
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")


def _visible(name: str) -> str:
    return "".join(ch for ch in name if unicodedata.category(ch) not in _HIDDEN_CATEGORIES)


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    return (stem, dot + ext) if dot and stem else (name, "")


def _with_type_extension(name: str, mime: str) -> str:
    """Add the type's extension unless the name already ends with one of them."""
    allowed = EXTENSIONS[mime]
    return name if name.lower().endswith(allowed) else name + allowed[0]


def _cap(name: str) -> str:
    """At most MAX_NAME characters, keeping the extension."""
    if len(name) <= MAX_NAME:
        return name
    stem, ext = _split_extension(name)
    ext = ext[:16]
    return stem[: MAX_NAME - len(ext)] + ext


def display_name(raw: str | None, mime: str) -> str:
    """The uploader's file name without path parts or hidden characters, ending in its type."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _visible(name).strip().lstrip(".").strip() or FALLBACK
    return _cap(_with_type_extension(name, mime))


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _ASCII_UNSAFE.sub("_", folded)


def ascii_fallback(name: str) -> str:
    """A plain ASCII stand-in for clients that ignore filename*."""
    stem, ext = _split_extension(name)
    stem = _fold(stem).strip(" ._")
    return (stem if stem.strip("_") else FALLBACK) + _fold(ext)


def content_disposition(name: str, inline: bool) -> str:
    """A Content-Disposition value with an ASCII filename and an RFC 5987 filename*."""
    kind = "inline" if inline else "attachment"
    encoded = quote(name, safe="")
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"

"""Unit tests: file types from bytes, display names, Content-Disposition."""

import re
from urllib.parse import unquote

import pytest

from counsel.room import filenames, filetypes
from tests.helpers.roomkit import SAMPLES, tiny_zip


def decide(data: bytes, chunk: int = 7) -> str | None:
    """Decide a type the way uploads do: the head, and a text scan fed in small chunks."""
    scan = filetypes.TextScan()
    for start in range(0, len(data), chunk):
        scan.feed(data[start : start + chunk])
    return filetypes.decide(data[: filetypes.HEAD_BYTES], scan)


@pytest.mark.parametrize("mime", sorted(SAMPLES))
def test_allowed_types_are_recognised_by_their_bytes(mime):
    assert decide(SAMPLES[mime]) == mime


@pytest.mark.parametrize(
    "data",
    [
        b"<!doctype html><script>alert(1)</script>",
        b"  \n\t<html><body>hi</body></html>",
        "\ufeff<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".encode(),
        b'<?xml version="1.0"?><svg onload="alert(1)"/>',
        b"\xef\xbb\xbf   \r\n<script>alert(1)</script>",
        tiny_zip(),
        b"plain words\x00with a NUL",
        b"caf\xe9 latin-1 is not UTF-8",
        b"truncated UTF-8 at the end \xe2\x9c",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"\x7fELF\x02\x01\x01",
    ],
    ids=[
        "html",
        "html-after-space",
        "svg-after-bom",
        "xml",
        "bom-space-script",
        "zip",
        "nul",
        "latin1",
        "truncated-utf8",
        "exe",
        "elf",
    ],
)
def test_everything_else_is_refused(data):
    assert decide(data) is None


def test_multibyte_characters_split_across_chunks_are_still_text():
    text = ("✓ ünïcode " * 50).encode()
    assert decide(text, chunk=3) == "text/plain"


def test_a_less_than_sign_later_in_text_is_fine():
    assert decide(b"if a < b then say so\n<not a tag at the start>") == "text/plain"


@pytest.mark.parametrize(
    ("raw", "mime", "expected"),
    [
        ("../../app.py", "text/plain", "app.py.txt"),
        ("..\\..\\windows\\evil.png", "image/png", "evil.png"),
        ("x.php.png", "image/png", "x.php.png"),
        ("photo\u202egnp.exe", "image/png", "photognp.exe.png"),
        ("a\u200bb\u2066c\x00d\x1b.pdf", "application/pdf", "abcd.pdf"),
        ('"; filename=evil.html', "text/plain", '"; filename=evil.html.txt'),
        ("...", "image/gif", "file.gif"),
        ("", "text/plain", "file.txt"),
        (None, "image/webp", "file.webp"),
        ("report.PDF", "application/pdf", "report.PDF"),
        ("notes.html", "text/plain", "notes.html.txt"),
    ],
)
def test_display_names(raw, mime, expected):
    assert filenames.display_name(raw, mime) == expected


def test_long_names_are_capped_keeping_the_extension():
    name = filenames.display_name("é" * 300 + ".png", "image/png")
    assert len(name) == 255 and name.endswith(".png")


CD = re.compile(
    r"^(inline|attachment); filename=\"([A-Za-z0-9._ -]+)\"; "
    r"filename\*=UTF-8''([A-Za-z0-9%._~-]+)$"
)


@pytest.mark.parametrize(
    "name", ['"; filename=evil.html.txt', "写真.png", "a b;c=d\\e.pdf", "ok.png"]
)
def test_content_disposition_has_one_safe_filename_and_one_encoded(name):
    match = CD.match(filenames.content_disposition(name, inline=False))
    assert match and match.group(1) == "attachment"
    assert match.group(2).rsplit(".", 1)[1] == name.rsplit(".", 1)[1]
    assert unquote(match.group(3)) == name

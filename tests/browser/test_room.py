"""The room in two real browsers: call, chat, camera toggle, file sharing, end."""

import struct
import zlib

import pytest

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def gradient_png(size: int = 24) -> bytes:
    """A small real PNG whose pixels are a colour gradient (so its bytes are not trivial)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 10 % 256, y * 10 % 256, 128)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_call_connects_with_video_both_ways(person, seeder):
    session_id = seeder.accepted_session()
    expert, member = person("expert"), person("member")
    expert.open_room(session_id)
    assert expert.state() in {"waiting", "connecting"}
    member.open_room(session_id)
    to_connected = {p.who: p.wait_connected() for p in (expert, member)}
    fps = {p.who: p.video_flowing() for p in (expert, member)}
    print(
        f"\nopen room -> connected: expert {to_connected['expert']:.2f} s (waited for the"
        f" member), member {to_connected['member']:.2f} s; remote fps {fps}"
    )
    assert all(rate > 5 for rate in fps.values()), fps
    assert seeder.status(session_id) == "live"
    assert member.page.text_content("#peer-presence") == "Erin Expert is here"


def test_chat_goes_both_ways_as_text(call):
    expert, member, _ = call
    expert.say("Hello, how are you today?")
    member.wait_for_line("Hello, how are you today?")
    member.say(XSS)
    expert.wait_for_line(XSS)
    member.wait_for_line(XSS)
    for someone in (expert, member):
        rows = someone.chat_rows()
        assert [row["text"] for row in rows] == ["Hello, how are you today?", XSS]
        assert [row["seq"] for row in rows] == sorted({row["seq"] for row in rows})
        assert not any(row["pending"] for row in rows)
        assert someone.page.locator("#chat-log img").count() == 0
        assert someone.dialogs == []
    assert [row["from"] for row in expert.chat_rows()] == ["expert", "member"]


def test_camera_and_microphone_toggles_are_seen_by_the_peer(call):
    expert, member, _ = call
    remote_tile = expert.page.locator("#remote-tile")
    member.page.click("#camera-toggle")
    expert.page.wait_for_selector("#remote-tile[data-camera=off]")
    assert expert.page.is_visible("#remote-camera-off")
    assert member.page.get_attribute("#camera-toggle", "aria-pressed") == "true"
    member.page.click("#mic-toggle")
    expert.page.wait_for_selector("#remote-tile[data-mic=off]")
    member.page.click("#camera-toggle")
    expert.page.wait_for_selector("#remote-tile[data-camera=on]")
    assert not expert.page.is_visible("#remote-camera-off")
    assert remote_tile.get_attribute("data-mic") == "off"


def test_shared_file_downloads_on_the_other_side(call, tmp_path):
    expert, member, _ = call
    picture = gradient_png()
    member.page.set_input_files(
        "#file-input", files=[{"name": "drawing.png", "mimeType": "image/png", "buffer": picture}]
    )
    expert.wait_for_line("drawing.png")
    member.wait_for_line("drawing.png")
    link = expert.page.locator("#chat-log a.file-link")
    assert link.text_content() == "drawing.png"
    with expert.page.expect_download() as download_info:
        link.click()
    target = tmp_path / "downloaded.png"
    download_info.value.save_as(target)
    assert target.read_bytes() == picture


def test_end_takes_both_to_the_summary(call, seeder):
    expert, member, session_id = call
    expert.page.click("#end-button")
    expert.page.fill("#end-reason", "We covered everything for today")
    expert.page.click("#end-confirm")
    for someone in (expert, member):
        someone.page.wait_for_url(f"**/sessions/{session_id}/summary")
        assert someone.page.text_content("#summary-ended-by").strip() == "Erin Expert"
        assert "We covered everything" in someone.page.text_content("#summary-reason")
    assert seeder.status(session_id) == "ended"


def test_refused_upload_says_why_and_shares_nothing(person, seeder):
    member = person("member")
    member.open_room(seeder.accepted_session())
    page = b"<html><script>alert(1)</script></html>"
    member.page.set_input_files(
        "#file-input", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": page}]
    )
    member.page.wait_for_selector("#upload-note.problem")
    note = member.page.text_content("#upload-note")
    print(f"\n{note}")
    assert note.startswith("Could not share “photo.png”:")
    assert member.chat_rows() == []
    assert member.dialogs == []

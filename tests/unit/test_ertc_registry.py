"""The one table of message types, and the browser's copy of the vocabulary."""

import re
from pathlib import Path

import pytest

from counsel import ertc
from counsel.ertc import protocol
from counsel.ertc.registry import TYPES, describe

JS = (Path(__file__).resolve().parents[2] / "static" / "js" / "protocol.js").read_text()

SAMPLES = {
    "TXT": ({"text": "hello"}, "hello"),
    "CAM": ({"video": True, "audio": False}, "camera on, microphone off"),
    "FILE": ({"name": "a.pdf", "size": 2048, "mime": "application/pdf"}, "shared a.pdf"),
    "END": ({"reason": "done"}, "ended the session: done"),
    "SYS": ({"event": "left", "role": "member", "reason": "timeout"}, "event: left"),
}


def test_the_registry_has_exactly_the_protocols_types():
    assert set(TYPES) == set(protocol.TYPES)
    assert set(protocol.TYPES) == {*protocol.CLIENT_TYPES, protocol.SYS}


@pytest.mark.parametrize("kind", protocol.CLIENT_TYPES)
def test_every_client_type_has_a_schema_a_handler_and_a_description(kind):
    known = TYPES[kind]
    assert callable(known.schema) and callable(known.handler) and callable(known.describe)
    assert isinstance(known.describe({}), str)


def test_sys_is_described_but_has_no_schema_or_handler():
    assert TYPES["SYS"].schema is None and TYPES["SYS"].handler is None
    assert describe("SYS", {"event": "joined", "role": "expert"}) == "event: joined · role: expert"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_transcript_takes_its_descriptions_from_the_registry(kind):
    payload, start = SAMPLES[kind]
    assert ertc.describe(kind, payload).startswith(start)
    assert ertc.describe(kind, payload) == TYPES[kind].describe(payload)


def test_an_unknown_type_has_no_description():
    assert ertc.describe("ADMIN", {"x": 1}) is None


def _js_values(block: str) -> set[str]:
    body = re.search(rf"export const {block} = Object\.freeze\(\{{(.*?)\}}\);", JS, re.S)
    assert body is not None, block
    return set(re.findall(r':\s*"?([\w-]+)"?,', body.group(1)))


def test_the_browser_uses_the_same_words():
    assert _js_values("Type") == set(protocol.TYPES)
    assert _js_values("ErrorCode") == set(protocol.ERROR_CODES)
    events = {"WELCOME", "JOINED", "LEFT", "REPLACED_EVENT", "ERROR", "DEGRADED", "RESTORED"}
    assert _js_values("SysEvent") == {getattr(protocol, name) for name in events}


def test_the_browser_knows_every_close_code_the_server_sends():
    names = ("NORMAL_CLOSURE", "POLICY_VIOLATION", "MESSAGE_TOO_BIG", "INTERNAL_ERROR")
    names += ("SERVICE_RESTART", "REPLACED_CODE", "LOGGED_OUT_CODE")
    server = {str(getattr(protocol, name)) for name in names}
    assert server <= _js_values("Close")

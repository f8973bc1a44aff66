"""Unit tests of the /ertc message validator, with a property-based fuzz."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counsel.ertc.messages import Invalid, Message
from counsel.ertc.protocol import CLIENT_TYPES
from counsel.ertc.registry import parse
from tests.helpers.samples import CANDIDATE, SDP

ALLOWED_KEYS = {
    "offer": {"sdp"},
    "answer": {"sdp"},
    "candidate": {"candidate"},
    "TXT": {"text", "client_id"},
    "CAM": {"video", "audio"},
    "FILE": {"file_id"},
    "END": {"reason"},
}


def code_of(frame) -> str:
    result = parse(frame if isinstance(frame, str | bytes) else json.dumps(frame))
    assert isinstance(result, Invalid), result
    return result.code


@pytest.mark.parametrize(
    ("frame", "fields"),
    [
        ({"type": "offer", "sdp": SDP}, {"sdp": SDP}),
        ({"type": "answer", "sdp": SDP.replace("\r\n", "\n")}, {"sdp": SDP.replace("\r\n", "\n")}),
        ({"type": "candidate", "candidate": CANDIDATE}, {"candidate": CANDIDATE}),
        ({"type": "candidate", "candidate": None}, {"candidate": None}),
        (
            {"type": "candidate", "candidate": {"candidate": "", "sdpMid": None}},
            {
                "candidate": {
                    "candidate": "",
                    "sdpMid": None,
                    "sdpMLineIndex": None,
                    "usernameFragment": None,
                }
            },
        ),
        ({"type": "TXT", "text": "hi", "client_id": "c1"}, {"text": "hi", "client_id": "c1"}),
        ({"type": "CAM", "video": False, "audio": True}, {"video": False, "audio": True}),
        ({"type": "FILE", "file_id": 7}, {"file_id": 7}),
        ({"type": "END"}, {}),
        ({"type": "END", "reason": None}, {}),
        ({"type": "END", "reason": "done"}, {"reason": "done"}),
    ],
)
def test_valid_messages_keep_exactly_the_contract_fields(frame, fields):
    noisy = {**frame, "from": "expert", "seq": 5, "ts": "x", "role": "admin", "extra": [1]}
    assert parse(json.dumps(noisy)) == Message(frame["type"], fields)


def test_candidate_objects_lose_unknown_keys():
    message = parse(
        json.dumps({"type": "candidate", "candidate": {**CANDIDATE, "evil": "<script>"}})
    )
    assert message.fields["candidate"] == CANDIDATE


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{", "bad-json"),
        ("[]", "bad-json"),
        ("123", "bad-json"),
        ('"TXT"', "bad-json"),
        ("null", "bad-json"),
        (b'{"type": "END"}', "bad-json"),
        ('{"type": "CAM", "video": NaN, "audio": true}', "bad-json"),
        ('{"type": "FILE", "file_id": Infinity}', "bad-json"),
        ("[" * 100_000 + "]" * 100_000, "bad-json"),
        ('{"type": 1}', "unknown-type"),
        ('{"type": ["TXT"]}', "unknown-type"),
        ("{}", "unknown-type"),
        ('{"type": "ADMIN"}', "unknown-type"),
        ('{"type": "txt", "text": "a", "client_id": "a"}', "unknown-type"),
        ('{"type": "SYS", "event": "welcome"}', "not-allowed"),
    ],
)
def test_malformed_frames_get_their_error_code(frame, code):
    assert code_of(frame) == code


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "TXT"},
        {"type": "TXT", "text": {"a": 1}, "client_id": "a"},
        {"type": "TXT", "text": "", "client_id": "a"},
        {"type": "TXT", "text": "x" * 4001, "client_id": "a"},
        {"type": "TXT", "text": "a", "client_id": ""},
        {"type": "TXT", "text": "a", "client_id": "c" * 65},
        {"type": "TXT", "text": "a", "client_id": 5},
        {"type": "TXT", "text": "\ud800", "client_id": "a"},
        {"type": "offer"},
        {"type": "offer", "sdp": "x" * 60_000},
        {"type": "offer", "sdp": "v=0\r\n" + "a" * 100},
        {"type": "answer", "sdp": "v=0\r\n\x00=1\r\n"},
        {"type": "offer", "sdp": "v=0\r\na=" + "x" * 50_000 + "\r\n"},
        {"type": "candidate"},
        {"type": "candidate", "candidate": 42},
        {"type": "candidate", "candidate": "candidate:1 1 udp"},
        {"type": "candidate", "candidate": {"candidate": 1}},
        {"type": "candidate", "candidate": {"candidate": "<script>"}},
        {"type": "candidate", "candidate": {**CANDIDATE, "sdpMLineIndex": True}},
        {"type": "candidate", "candidate": {**CANDIDATE, "sdpMLineIndex": -1}},
        {"type": "candidate", "candidate": {**CANDIDATE, "sdpMid": 0}},
        {"type": "CAM", "video": 1, "audio": True},
        {"type": "CAM", "video": True},
        {"type": "FILE", "file_id": True},
        {"type": "FILE", "file_id": "7"},
        {"type": "FILE", "file_id": 1.5},
        {"type": "FILE", "file_id": 0},
        {"type": "FILE", "file_id": 2**64},
        {"type": "END", "reason": "r" * 501},
        {"type": "END", "reason": 5},
    ],
)
def test_wrong_fields_get_bad_field(frame):
    assert code_of(frame) == "bad-field"


def test_bad_field_on_txt_names_a_valid_client_id():
    assert parse(json.dumps({"type": "TXT", "text": "", "client_id": "c9"})).client_id == "c9"
    assert parse(json.dumps({"type": "TXT", "text": "", "client_id": 9})).client_id is None


def test_limits_are_inclusive():
    assert isinstance(
        parse(json.dumps({"type": "TXT", "text": "x" * 4000, "client_id": "c" * 64})), Message
    )
    assert isinstance(parse(json.dumps({"type": "END", "reason": "r" * 500})), Message)
    assert isinstance(parse(json.dumps({"type": "FILE", "file_id": 2**53 - 1})), Message)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(
    [
        "sdp",
        "candidate",
        "text",
        "client_id",
        "video",
        "audio",
        "file_id",
        "reason",
        "from",
        "seq",
        "ts",
        "role",
        "event",
    ]
)
FRAMES = st.fixed_dictionaries(
    {"type": st.sampled_from([*CLIENT_TYPES, "SYS", "ADMIN"]) | JSON_VALUES},
    optional={"sdp": st.just(SDP) | JSON_VALUES, "candidate": st.just(CANDIDATE) | JSON_VALUES},
).flatmap(
    lambda base: st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=6).map(
        lambda extra: {**extra, **base}
    )
)


def check_schema(message: Message) -> None:
    assert set(message.fields) <= ALLOWED_KEYS[message.type]
    for name, value in message.fields.items():
        if name in ("sdp", "text", "client_id", "reason"):
            assert isinstance(value, str)
        elif name in ("video", "audio"):
            assert isinstance(value, bool)
        elif name == "file_id":
            assert type(value) is int and value > 0
        elif name == "candidate" and value is not None:
            assert set(value) == {"candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"}


@settings(max_examples=400, deadline=None)
@given(FRAMES)
def test_fuzz_structured_frames_never_raise_or_leave_the_schema(frame):
    result = parse(json.dumps(frame))
    assert isinstance(result, Message | Invalid)
    if isinstance(result, Message):
        check_schema(result)
        assert "from" not in result.fields and "seq" not in result.fields


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_fuzz_arbitrary_frames_never_raise(frame):
    result = parse(frame)
    assert isinstance(result, Message | Invalid)
    if isinstance(result, Message):
        check_schema(result)

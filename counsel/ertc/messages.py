"""The pieces of validating a client frame: decoding, the field checks, one schema per type.

A schema takes the decoded object and returns only the protocol's fields for its type, with
the right types, or raises `FieldError`. Anything else a client adds (`from`, `seq`, `ts`,
unknown keys) is dropped here, so nothing outside the schema can reach the relay or the ledger.
`registry.parse` puts them together (docs/protocol.md).
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from counsel.ertc.protocol import BAD_JSON

MAX_SDP_CHARS = 50_000
MAX_TEXT_CHARS = 4000
MAX_CLIENT_ID_CHARS = 64
MAX_REASON_CHARS = 500
MAX_CANDIDATE_CHARS = 2048
MAX_INT = 2**53 - 1  # what a browser's JSON numbers hold exactly

# An SDP is "v=0" then lines "<letter>=<value>" (RFC 8866); this refuses garbage cheaply.
SDP_PATTERN = re.compile(r"v=0\r?\n(?:[a-z]=[^\x00-\x08\x0a-\x1f\x7f]*\r?\n)*")
CANDIDATE_PATTERN = re.compile(r"(?:candidate:[\x20-\x7e]*)?")
SURROGATES = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Message:
    """A valid client message: its type and the cleaned contract fields."""

    type: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """A refused frame: the contract's error code, a sentence, and a TXT's client_id if known."""

    code: str
    message: str
    client_id: str | None = None


class FieldError(ValueError):
    """A field is missing or has the wrong type or size."""


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _string(value: Any, name: str, low: int, high: int) -> str:
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise FieldError(f"{name} must be a string of {low} to {high} characters.")
    if SURROGATES.search(value):
        raise FieldError(f"{name} holds invalid characters.")
    return value


def _boolean(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{name} must be true or false.")
    return value


def _integer(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FieldError(f"{name} must be a whole number from {low} to {high}.")
    return value


def _optional(value: Any, check: Callable[[Any], Any]) -> Any:
    return None if value is None else check(value)


def sdp(body: dict) -> dict:
    """An offer's or answer's fields."""
    sdp = _string(body.get("sdp"), "sdp", 1, MAX_SDP_CHARS)
    if not SDP_PATTERN.fullmatch(sdp):
        raise FieldError("sdp is not a session description.")
    return {"sdp": sdp}


def candidate(body: dict) -> dict:
    """A candidate's fields: an RTCIceCandidateInit, or null for the end of candidates."""
    if "candidate" not in body:
        raise FieldError("candidate is required (null ends the candidates).")
    init = body["candidate"]
    if init is None:
        return {"candidate": None}
    if not isinstance(init, dict):
        raise FieldError("candidate must be an RTCIceCandidateInit object or null.")
    line = _string(init.get("candidate"), "candidate.candidate", 0, MAX_CANDIDATE_CHARS)
    if not CANDIDATE_PATTERN.fullmatch(line):
        raise FieldError("candidate.candidate is not an ICE candidate line.")
    return {
        "candidate": {
            "candidate": line,
            "sdpMid": _optional(init.get("sdpMid"), lambda v: _string(v, "sdpMid", 0, 64)),
            "sdpMLineIndex": _optional(
                init.get("sdpMLineIndex"), lambda v: _integer(v, "sdpMLineIndex", 0, 65535)
            ),
            "usernameFragment": _optional(
                init.get("usernameFragment"), lambda v: _string(v, "usernameFragment", 0, 256)
            ),
        }
    }


def txt(body: dict) -> dict:
    """A chat line's fields."""
    return {
        "text": _string(body.get("text"), "text", 1, MAX_TEXT_CHARS),
        "client_id": client_id(body),
    }


def client_id(body: dict) -> str:
    """A TXT's client_id, checked."""
    return _string(body.get("client_id"), "client_id", 1, MAX_CLIENT_ID_CHARS)


def cam(body: dict) -> dict:
    """Camera and microphone state."""
    return {
        "video": _boolean(body.get("video"), "video"),
        "audio": _boolean(body.get("audio"), "audio"),
    }


def file(body: dict) -> dict:
    """The id of a file this sender uploaded."""
    return {"file_id": _integer(body.get("file_id"), "file_id", 1, MAX_INT)}


def end(body: dict) -> dict:
    """An END's optional reason."""
    reason = _optional(body.get("reason"), lambda v: _string(v, "reason", 0, MAX_REASON_CHARS))
    return {} if reason is None else {"reason": reason}


def decode(text: str | bytes) -> dict | Invalid:
    """The JSON object of a frame, or Invalid("bad-json")."""
    if not isinstance(text, str):
        return Invalid(BAD_JSON, "Frames must be text holding one JSON object.")
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        body = _strict_json(text)  # the json module's verdict, e.g. on escaped lone surrogates
        if isinstance(body, Invalid):
            return body
    if not isinstance(body, dict):
        return Invalid(BAD_JSON, "The frame must be a JSON object.")
    return body


def _strict_json(text: str) -> Any:
    """What the json module makes of text orjson refused (without NaN or Infinity)."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return Invalid(BAD_JSON, "The frame is not valid JSON.")

"""The one table of message types: each type's schema, its handler, how the transcript says it.

A new message type is one entry here, its schema (messages.py), its handler (handlers.py), a
description (descriptions.py), its name in protocol.py and static/js/protocol.js, and the
browser module that shows it. `parse(text)` never raises: it returns a `Message` holding only
the type's fields or an `Invalid` naming the error code; `dispatch` runs the handler.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from counsel.ertc import descriptions, handlers, messages
from counsel.ertc.context import Context
from counsel.ertc.messages import FieldError, Invalid, Message
from counsel.ertc.protocol import (
    ANSWER,
    BAD_FIELD,
    CAM,
    CANDIDATE,
    END,
    FILE,
    NOT_ALLOWED,
    OFFER,
    SYS,
    TXT,
    UNKNOWN_TYPE,
)


@dataclass(frozen=True)
class MessageType:
    """What the server does with one type; a server-only type has no schema and no handler."""

    schema: Callable[[dict], dict] | None
    handler: Callable[[Context, Message], None] | None
    describe: Callable[[dict], str]


TYPES: dict[str, MessageType] = {
    OFFER: MessageType(messages.sdp, handlers.on_signal, descriptions.signal),
    ANSWER: MessageType(messages.sdp, handlers.on_signal, descriptions.signal),
    CANDIDATE: MessageType(messages.candidate, handlers.on_signal, descriptions.signal),
    TXT: MessageType(messages.txt, handlers.on_txt, descriptions.text),
    CAM: MessageType(messages.cam, handlers.on_cam, descriptions.camera),
    FILE: MessageType(messages.file, handlers.on_file, descriptions.shared_file),
    END: MessageType(messages.end, handlers.on_end, descriptions.ending),
    SYS: MessageType(None, None, descriptions.system),  # sent by the server only
}


def parse(text: str | bytes) -> Message | Invalid:
    """Validate one frame into a Message with only its type's fields, or an Invalid."""
    body = messages.decode(text)
    if isinstance(body, Invalid):
        return body
    kind = body.get("type")
    if not isinstance(kind, str):
        return Invalid(UNKNOWN_TYPE, "The frame needs a string type.")
    known = TYPES.get(kind)
    if known is None:
        return Invalid(UNKNOWN_TYPE, "Unknown message type.")
    if known.schema is None:
        return Invalid(NOT_ALLOWED, f"Only the server sends {kind}.")
    try:
        return Message(kind, known.schema(body))
    except FieldError as error:
        return Invalid(BAD_FIELD, str(error), _known_client_id(kind, body))


def _known_client_id(kind: str, body: dict) -> str | None:
    """A TXT's client_id when it is itself valid, so the sender can match the error."""
    if kind != TXT:
        return None
    try:
        return messages.client_id(body)
    except FieldError:
        return None


def dispatch(ctx: Context, frame: str | bytes) -> None:
    """Validate a frame and run its handler, or answer with the error."""
    message = parse(frame)
    if isinstance(message, Invalid):
        extra = {"client_id": message.client_id} if message.client_id else {}
        ctx.error(message.code, message.message, **extra)
        return
    handler = TYPES[message.type].handler
    if handler is None:  # parse() refuses server-only types; never run a missing handler
        ctx.error(NOT_ALLOWED, "Only the server sends this type.")
        return
    handler(ctx, message)


def describe(kind: str, payload: dict[str, Any]) -> str | None:
    """The transcript's line for an entry of this type; None for a type this table lacks."""
    known = TYPES.get(kind)
    return known.describe(payload) if known is not None else None

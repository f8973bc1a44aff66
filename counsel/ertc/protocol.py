"""The /ertc vocabulary: message types, SYS events, error codes, close codes and their reasons.

Plain string and int constants, so a frame is built exactly as cheaply as with literals. The
browser's side of the same words is static/js/protocol.js; docs/protocol.md describes them.
"""

from typing import Any

# Message types (the "type" field). SYS is sent by the server only.
SYS = "SYS"
OFFER, ANSWER, CANDIDATE = "offer", "answer", "candidate"
TXT, CAM, FILE, END = "TXT", "CAM", "FILE", "END"
SIGNALS = (OFFER, ANSWER, CANDIDATE)  # relayed live, never stored
CLIENT_TYPES = (*SIGNALS, TXT, CAM, FILE, END)
TYPES = (SYS, *CLIENT_TYPES)

# Who a frame is from ("from"): the two roles, or the server.
MEMBER, EXPERT, SERVER = "member", "expert", "server"

# SYS events.
WELCOME, JOINED, LEFT, REPLACED_EVENT = "welcome", "joined", "left", "replaced"
ERROR, DEGRADED, RESTORED = "error", "degraded", "restored"

# Error codes of SYS `error`.
BAD_JSON, UNKNOWN_TYPE, BAD_FIELD = "bad-json", "unknown-type", "bad-field"
NOT_ALLOWED, PEER_ABSENT = "not-allowed", "peer-absent"
TOO_FAST, NOT_SAVED = "too-fast", "not-saved"
ERROR_CODES = (BAD_JSON, UNKNOWN_TYPE, BAD_FIELD, NOT_ALLOWED, PEER_ABSENT, TOO_FAST, NOT_SAVED)

# Why a socket ended; `closed` and `timeout` are the reasons of SYS `left`, while `replaced`
# and `ended` mean the peer must not be told `left` at all.
CLOSED, TIMEOUT, REPLACED, ENDED = "closed", "timeout", "replaced", "ended"

# Close codes, and the reason text sent with each.
NORMAL_CLOSURE = 1000
POLICY_VIOLATION = 1008  # still flooding after `too-fast`, or a ping left unanswered
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011
SERVICE_RESTART = 1012  # the worker is stopping: clients reconnect at once
REPLACED_CODE = 4000  # a second socket of the same person took over
LOGGED_OUT_CODE = 4001  # this login ended (logout, account disabled)

SESSION_ENDED_TEXT = "session ended"
SESSION_OVER_TEXT = "session over"
DATABASE_BUSY_TEXT = "database busy, reconnect"
SERVER_ERROR_TEXT = "server error"
TOO_FAST_TEXT = "too fast"
TOO_BIG_TEXT = "Message is too big"
PING_TIMEOUT_TEXT = "Ping/Pong timeout"
RESTARTING_TEXT = "server restarting"
REPLACED_TEXT = "replaced"
LOGGED_OUT_TEXT = "logged out"

# Every frame is at most this many bytes of UTF-8 (larger: close 1009).
MAX_FRAME_BYTES = 65536


def peer_of(role: str) -> str:
    """The other role of a session."""
    return EXPERT if role == MEMBER else MEMBER


def sys_frame(event: str, **fields: Any) -> dict[str, Any]:
    """A server notice that is not persisted."""
    return {"type": SYS, "from": SERVER, "event": event, **fields}

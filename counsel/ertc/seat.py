"""Taking and leaving a seat: the persisted SYS notices, the welcome and the replay.

Order on join: `replaced` (if the person already had a socket) and `joined` are committed, the
socket takes the seat (the old one gets `replaced` and 4000), then this socket is sent the
welcome and every entry after `after`, and only then the peer is sent `joined`.
"""

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app

from counsel.ertc.protocol import (
    CLOSED,
    ENDED,
    JOINED,
    LEFT,
    MEMBER,
    REPLACED,
    REPLACED_EVENT,
    SYS,
    TIMEOUT,
    WELCOME,
    peer_of,
    sys_frame,
)
from counsel.ertc.relay import Relay
from counsel.ertc.transport.connection import Connection
from counsel.extensions import db
from counsel.models import Role
from counsel.records import ledger
from counsel.sessions import workflow

log = logging.getLogger(__name__)


def _notice(
    conn: Connection, event: str, also: Callable[[], object] | None = None
) -> dict[str, Any]:
    """Commit a SYS entry about this seat, with what `also` writes (NotSaved, SessionClosed)."""
    payload = {"event": event, "role": conn.role}
    return ledger.append(conn.session_id, ledger.SERVER, SYS, payload, also=also)


def _arrive(conn: Connection) -> dict[str, Any]:
    """Commit `joined` and the participant's joined flag (the session may go live) together."""
    live = False

    def flag_joined() -> None:
        nonlocal live
        live = workflow.mark_joined(conn.session_id, Role(conn.role))

    joined = _notice(conn, JOINED, also=flag_joined)
    if live:
        log.info("ertc: session=%s is live", conn.session_id)
    return joined


def welcome(conn: Connection, relay: Relay, last_seq: int) -> dict[str, Any]:
    """The first frame a socket receives."""
    return sys_frame(
        WELCOME,
        role=conn.role,
        polite=conn.role == MEMBER,
        peer_present=relay.is_present(conn.session_id, conn.peer_role),
        last_seq=last_seq,
        grace=current_app.config["PRESENCE_GRACE_SECONDS"],
    )


def join(conn: Connection, relay: Relay, after: int) -> None:
    """Persist the arrival, take the seat, send welcome and replay, then tell the peer.

    Exactly once, no gap: the seat is attached (in Redis too) before the replay is read, and
    an entry's seq is taken under the session row's lock, so seq order is commit order. An
    entry committed before the replay's `last_seq` read is in the replay; one committed after
    it is sent after its commit, so after the attach, and reaches this socket live. Live copies
    with seq <= last_seq (held until `open`, or arriving later, e.g. through Redis) are
    dropped by the connection. The replay is read in a transaction begun after the attach.
    """
    replaced = None
    if relay.is_present(conn.session_id, conn.role):
        replaced = _notice(conn, REPLACED_EVENT)
    joined = _arrive(conn)  # committed: the replay is read in a transaction begun after attach
    relay.attach(conn, replaced)
    last_seq = ledger.last_seq(conn.session_id)
    replay = [e for e in ledger.entries_after(conn.session_id, after) if e["seq"] <= last_seq]
    db.session.remove()  # end the read transaction before anything else runs
    conn.open([welcome(conn, relay, last_seq), *replay], last_seq)
    relay.send_to(conn.session_id, conn.peer_role, joined)
    log.info("ertc: session=%s %s joined (replay %d)", conn.session_id, conn.role, len(replay))


def leave(conn: Connection, relay: Relay, why: str) -> None:
    """Free the seat; unless replaced or ended, persist `left` and tell the peer."""
    if not relay.detach(conn) or why in (REPLACED, ENDED):
        return
    announce_left(relay, conn.session_id, conn.role, why if why in (CLOSED, TIMEOUT) else CLOSED)


def announce_left(relay: Relay, session_id: int, role: str, reason: str) -> None:
    """Persist `left` for a seat and tell the other seat (also when its worker died)."""
    try:
        left = ledger.append(
            session_id, ledger.SERVER, SYS, {"event": LEFT, "role": role, "reason": reason}
        )
    except ledger.SessionClosed:
        return
    except ledger.NotSaved:
        left = sys_frame(LEFT, role=role, reason=reason)  # presence matters even so
    relay.send_to(session_id, peer_of(role), left)
    log.info("ertc: session=%s %s left (%s)", session_id, role, reason)

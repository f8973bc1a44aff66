"""The /ertc route and its admission checks.

flask-sock answers 101 before the route function runs, so every refusal happens in a
`before_request` of this blueprint, as a plain HTTP JSON error: 401, 403, 404, 409, 503.
"""

from dataclasses import dataclass

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from counsel.accounts.rates import join_limited
from counsel.ertc.current import get_relay
from counsel.ertc.serve import serve
from counsel.ertc.transport.connection import Connection
from counsel.ertc.transport.limits import FloodGuard
from counsel.extensions import db, sock
from counsel.i18n.names import status_name
from counsel.models import ROOM_OPEN_STATUSES
from counsel.records import audit
from counsel.sessions.access import participant_session
from counsel.web.errors import json_endpoint, json_error

bp = Blueprint("ertc", __name__)


@dataclass(frozen=True)
class Ticket:
    """What the checks established, as plain values (no ORM object outlives them)."""

    session_id: int
    role: str
    user_id: int
    after: int


def allowed_origins() -> list[str]:
    """The configured origins, or this app's own origin (scheme://host[:port])."""
    configured = [origin.rstrip("/") for origin in current_app.config["ALLOWED_ORIGINS"]]
    return configured or [request.host_url.rstrip("/")]


def _query_int(name: str, default: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 15 else None


def _refusal():
    """The HTTP error that refuses this upgrade, or None to accept it."""
    try:
        return _checks()
    except SQLAlchemyError as error:
        # The pool or the database is exhausted (a reconnect wave): the client retries later.
        db.session.rollback()
        current_app.logger.warning("ertc: admission check failed: %s", type(error).__name__)
        return json_error(503, _("The server is busy right now; try again shortly."))


def _checks():
    if not current_user.is_authenticated:
        return json_error(401, _("Please log in to join the room."))
    origin = request.headers.get("Origin")
    if origin not in allowed_origins():
        audit.record("ertc", "denied", f"origin:{origin}")
        return json_error(403, _("This page may not open the room."))
    session_id, after = _query_int("session"), _query_int("after", 0)
    if session_id is None:
        return json_error(404, _("No such session."))
    if after is None:
        return json_error(400, _("after must be a ledger seq (a whole number)."))
    if get_relay().draining():
        return json_error(503, _("The server is restarting; try again in a moment."))
    if get_relay().local_count() >= current_app.config["MAX_SOCKETS_PER_WORKER"]:
        return json_error(503, _("The server is full right now; try again shortly."))
    if join_limited(current_user.id, request.remote_addr or ""):
        return json_error(429, _("Too many reconnects; wait a moment and try again."))
    return _admit(session_id, after)


def _admit(session_id: int, after: int):
    session, role = participant_session(session_id)  # 404, or 403 audited (admins too)
    if session.status not in ROOM_OPEN_STATUSES:
        status = status_name(session.status)
        return json_error(409, _("This session is %(status)s: its room is closed.", status=status))
    g.ertc_ticket = Ticket(session.id, role.value, current_user.id, after)
    # No permessage-deflate: a compressed frame could inflate past the size limit.
    request.environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
    # End the checks' transaction now: the upgrade that follows yields to other greenlets,
    # and an open SQLite transaction must never span a yield (see counsel/db.py).
    db.session.commit()
    return None


bp.before_request(_refusal)


def _guard() -> FloodGuard:
    config = current_app.config
    return FloodGuard(burst=config["ERTC_BURST"], rate=config["ERTC_RATE"])


@sock.route("/ertc", bp=bp)
@json_endpoint
def ertc(ws) -> None:
    """One participant's socket for the session's whole call."""
    ticket: Ticket = g.ertc_ticket
    db.session.remove()  # no database session is held for the call's whole life
    config = current_app.config
    conn = Connection(
        ws,
        ticket.session_id,
        ticket.role,
        ticket.user_id,
        queue_size=config["ERTC_QUEUE_SIZE"],
        send_timeout=config["ERTC_SEND_TIMEOUT"],
    )
    serve(conn, get_relay(), ticket.after, _guard())

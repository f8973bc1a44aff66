"""The life of one /ertc socket: join, the receive loop, leave.

Every exception is caught here: one escaping the flask-sock route under gunicorn's gevent
worker would make gunicorn read from a socket simple-websocket still owns.
Each event uses a short database session, removed right after, never one held open.
"""

import logging
import traceback

from counsel.ertc.context import Context
from counsel.ertc.protocol import (
    DATABASE_BUSY_TEXT,
    INTERNAL_ERROR,
    MESSAGE_TOO_BIG,
    NORMAL_CLOSURE,
    POLICY_VIOLATION,
    SERVER_ERROR_TEXT,
    SESSION_OVER_TEXT,
    TOO_BIG_TEXT,
    TOO_FAST,
    TOO_FAST_TEXT,
)
from counsel.ertc.registry import dispatch
from counsel.ertc.relay import Relay
from counsel.ertc.seat import join, leave
from counsel.ertc.transport.connection import Connection, ConnectionClosed
from counsel.ertc.transport.limits import FloodGuard, Verdict
from counsel.extensions import db
from counsel.records import ledger

log = logging.getLogger(__name__)


def serve(conn: Connection, relay: Relay, after: int, guard: FloodGuard) -> None:
    """Run a socket from its first frame to its last, then free its seat."""
    conn.start()
    try:
        _join_or_close(conn, relay, after)
        _receive_loop(Context(conn, relay), guard)
    except ConnectionClosed:
        pass
    except Exception as error:  # noqa: BLE001 - see the module docstring
        _log_failure("socket failed", conn, error)
        conn.close(INTERNAL_ERROR, SERVER_ERROR_TEXT)
    finally:
        db.session.remove()
    _leave(conn, relay)


def _log_failure(what: str, conn: Connection, error: Exception) -> None:
    """Log where it failed but not the message: a database error's carries the chat text."""
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "ertc: %s session=%s role=%s: %s\n%s",
        what,
        conn.session_id,
        conn.role,
        type(error).__name__,
        where,
    )


def _join_or_close(conn: Connection, relay: Relay, after: int) -> None:
    try:
        join(conn, relay, after)
    except ledger.SessionClosed:
        conn.close(NORMAL_CLOSURE, SESSION_OVER_TEXT)
    except ledger.NotSaved:
        conn.close(INTERNAL_ERROR, DATABASE_BUSY_TEXT)


def _leave(conn: Connection, relay: Relay) -> None:
    """Tell the peer first, then let our own close finish."""
    try:
        leave(conn, relay, conn.reason())
    except Exception as error:  # noqa: BLE001 - the socket must still be finished
        _log_failure("leave failed", conn, error)
    finally:
        db.session.remove()
        conn.finish()


def _receive_loop(ctx: Context, guard: FloodGuard) -> None:
    conn = ctx.conn
    while not conn.closing:
        frame = conn.receive()
        if frame is None or conn.closing:
            continue
        verdict = guard.admit(frame, conn.backlog())
        if verdict is Verdict.OK:
            try:
                dispatch(ctx, frame)
            finally:
                db.session.remove()
        else:
            _refuse(ctx, verdict)


def _refuse(ctx: Context, verdict: Verdict) -> None:
    if verdict is Verdict.WARN:
        ctx.error(TOO_FAST, "Slow down: messages are being dropped.")
    elif verdict is Verdict.FLOOD:
        log.warning("ertc: flooding socket closed session=%s role=%s", ctx.session_id, ctx.role)
        ctx.conn.close(POLICY_VIOLATION, TOO_FAST_TEXT)
    elif verdict is Verdict.TOO_BIG:
        ctx.conn.close(MESSAGE_TOO_BIG, TOO_BIG_TEXT)

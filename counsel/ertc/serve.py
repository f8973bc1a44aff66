"""The life of one /ertc socket: join, the receive loop, leave.

Every exception is caught here: one escaping the flask-sock route under gunicorn's gevent
worker would make gunicorn read from a socket simple-websocket still owns (SERVING_NOTES 5).
Each event uses a short database session, removed right after, never one held open.
"""

import logging
import traceback

from simple_websocket import ConnectionClosed

from counsel.ertc.connection import Connection
from counsel.ertc.handlers import Context, dispatch
from counsel.ertc.limits import FloodGuard, Verdict
from counsel.ertc.relay import Relay
from counsel.ertc.seat import join, leave
from counsel.extensions import db
from counsel.records import ledger

log = logging.getLogger(__name__)

POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011


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
        conn.close(INTERNAL_ERROR, "server error")
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
        conn.close(1000, "session over")
    except ledger.NotSaved:
        conn.close(INTERNAL_ERROR, "database busy, reconnect")


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
        ctx.error("too-fast", "Slow down: messages are being dropped.")
    elif verdict is Verdict.FLOOD:
        log.warning("ertc: flooding socket closed session=%s role=%s", ctx.session_id, ctx.role)
        ctx.conn.close(POLICY_VIOLATION, "too fast")
    elif verdict is Verdict.TOO_BIG:
        ctx.conn.close(MESSAGE_TOO_BIG, "Message is too big")

"""A check, inside a gevent worker, that a SQLite transaction never spans a greenlet switch.

Under gevent a greenlet that yields while it holds an open SQLite transaction freezes the whole
worker: the next greenlet to begin a transaction waits for the lock inside C, where the holder
can never run (docs/performance.md). This records every switch away from a greenlet whose SQLite
connection is inside a transaction, with the stack, in the server log, for the benchmark to
count. bench/guarded.conf.py is gunicorn.conf.py with this installed in every worker.
"""

import sys
import traceback
import weakref

MARK = "bench-yield-guard: yield inside a SQLite transaction"


def install() -> None:
    """Trace greenlet switches; report each place that switches away inside a transaction."""
    import sqlite3

    import greenlet
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    held: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    reported: set[str] = set()

    @event.listens_for(Pool, "checkout")
    def _checkout(dbapi_connection, _record, _proxy):
        if isinstance(dbapi_connection, sqlite3.Connection):
            held[greenlet.getcurrent()] = dbapi_connection

    @event.listens_for(Pool, "checkin")
    def _checkin(_dbapi_connection, _record):
        held.pop(greenlet.getcurrent(), None)

    def trace(kind, args):
        origin = args[0] if kind in ("switch", "throw") else None
        connection = held.get(origin)
        if connection is None or not connection.in_transaction:
            return
        stack = "".join(traceback.format_stack(origin.gr_frame or sys._getframe(1), limit=30))
        if stack not in reported:  # each distinct place once
            reported.add(stack)
            sys.stderr.write(f"{MARK}\n{stack}\n")

    greenlet.settrace(trace)

"""The one owner of transactions: services write inside `unit_of_work()`, views never commit.

Flask-SQLAlchemy's scoped session lives as long as the request (or, on the /ertc socket, as
long as one event): `unit_of_work()` commits the block's writes together or none of them, and
`released()` hands the session back to the pool when a long-lived greenlet is done with it.

Nesting: a unit opened inside another joins it. The inner block commits nothing; the outermost
block commits everything when it ends. If any block raises, the whole transaction (the outer
block's writes too) is rolled back at once, and the outer block can no longer commit: leaving
it normally after swallowing the inner failure raises `UnitOfWorkAborted`. A unit also commits
what the session held before it began (`ledger.stage` relies on this to commit a staged entry
together with the status change of `workflow.end`).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from counsel.extensions import db

_DEPTH = "counsel.uow.depth"
_ABORTED = "counsel.uow.aborted"


class UnitOfWorkAborted(RuntimeError):
    """An inner unit of work failed, so the outer one cannot commit."""


def in_unit_of_work() -> bool:
    """True inside a `unit_of_work()` block of the current session."""
    return db.session().info.get(_DEPTH, 0) > 0


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Run the block as one transaction: commit when it ends, roll back if it raises."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        _finish(session, outermost=depth == 0)
    except BaseException:
        session.rollback()
        session.info[_ABORTED] = depth > 0
        raise
    finally:
        session.info[_DEPTH] = depth


def _finish(session: Session, *, outermost: bool) -> None:
    """Commit at the outermost block, unless an inner block failed and rolled it all back."""
    if not outermost:
        return
    if session.info.pop(_ABORTED, False):
        raise UnitOfWorkAborted("an inner unit of work failed; nothing was committed")
    session.commit()


@contextmanager
def released() -> Iterator[Session]:
    """A session for this block only (one socket event); released to the pool afterwards."""
    try:
        yield db.session()
    finally:
        db.session.remove()

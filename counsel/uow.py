"""The one owner of transactions: services write inside `unit_of_work()`, views never commit.

Flask-SQLAlchemy's scoped session lives as long as the request (or, on the /ertc socket, as
long as one event): `unit_of_work()` commits the block's writes together or none of them, and
`released()` hands the session back to the pool when a long-lived greenlet is done with it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from counsel.extensions import db


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Run the block as one transaction: commit when it ends, roll back if it raises."""
    session = db.session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def released() -> Iterator[Session]:
    """A session for this block only (one socket event); released to the pool afterwards."""
    try:
        yield db.session()
    finally:
        db.session.remove()

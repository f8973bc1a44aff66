"""counsel/uow.py on SQLite and PostgreSQL: one block commits together or rolls back together."""

import pytest
from sqlalchemy import func, select

from counsel.extensions import db
from counsel.models import CounselingSession, Role, Status, User
from counsel.records import ledger
from counsel.uow import UnitOfWorkAborted, in_unit_of_work, released, unit_of_work
from tests.helpers.people import PASSWORD_HASH


class Boom(Exception):
    """A failure inside a block."""


def person(email: str) -> User:
    """An unsaved member."""
    return User(email=email, name=email, role=Role.MEMBER, password_hash=PASSWORD_HASH)


def stored_emails(app) -> set[str]:
    """The emails the database holds, read on a connection of its own (committed rows only)."""
    with app.app_context(), db.engine.connect() as connection:
        return set(connection.scalars(select(User.email)))


def test_a_block_commits_its_writes_together(db_app):
    with db_app.app_context(), unit_of_work() as session:
        session.add(person("a@example.test"))
        session.add(person("b@example.test"))
        assert stored_emails(db_app) == set()  # nothing is visible before the block ends
    assert stored_emails(db_app) == {"a@example.test", "b@example.test"}


def test_a_block_that_raises_rolls_back_every_write(db_app):
    with db_app.app_context():
        with pytest.raises(Boom), unit_of_work() as session:
            session.add(person("a@example.test"))
            session.flush()  # already sent to the database, still undone
            raise Boom
        assert db.session.scalar(select(func.count(User.id))) == 0
    assert stored_emails(db_app) == set()


def test_a_nested_block_joins_the_outer_one(db_app):
    with db_app.app_context():
        with unit_of_work() as outer:
            outer.add(person("outer@example.test"))
            with unit_of_work() as inner:
                assert inner is outer
                inner.add(person("inner@example.test"))
            assert stored_emails(db_app) == set()  # the inner block committed nothing
        assert not in_unit_of_work()
    assert stored_emails(db_app) == {"outer@example.test", "inner@example.test"}


def test_an_inner_failure_rolls_back_the_outer_writes_too(db_app):
    with db_app.app_context(), pytest.raises(Boom), unit_of_work() as outer:
        outer.add(person("outer@example.test"))
        with unit_of_work() as inner:
            inner.add(person("inner@example.test"))
            raise Boom
    assert stored_emails(db_app) == set()


def test_an_outer_block_cannot_commit_after_swallowing_an_inner_failure(db_app):
    with db_app.app_context():
        with pytest.raises(UnitOfWorkAborted), unit_of_work() as outer:
            outer.add(person("outer@example.test"))
            with pytest.raises(Boom), unit_of_work() as inner:
                inner.add(person("inner@example.test"))
                raise Boom
            outer.add(person("after@example.test"))
        # The session is usable again at once.
        with unit_of_work() as session:
            session.add(person("next@example.test"))
    assert stored_emails(db_app) == {"next@example.test"}


def test_a_block_commits_what_was_staged_before_it(db_app):
    with db_app.app_context():
        db.session.add(person("staged@example.test"))  # as ledger.stage() does before END
        with unit_of_work() as session:
            session.add(person("block@example.test"))
    assert stored_emails(db_app) == {"staged@example.test", "block@example.test"}


def test_released_hands_the_session_back(db_app):
    with db_app.app_context():
        with released() as session:
            session.add(person("never@example.test"))
            first = session
        assert db.session() is not first  # a new session: the pending write went with the old
        assert db.session.scalar(select(func.count(User.id))) == 0
    assert stored_emails(db_app) == set()


def test_the_ledger_refuses_to_commit_later_than_it_promises(db_app):
    with db_app.app_context():
        member, expert = person("m@example.test"), person("e@example.test")
        expert.role = Role.EXPERT
        with unit_of_work() as session:
            session.add_all([member, expert])
            session.flush()
            cs = CounselingSession(
                member_id=member.id, expert_id=expert.id, topic="t", status=Status.ACCEPTED
            )
            session.add(cs)
        # Inside another unit the entry would be sent before that unit commits: refused.
        with pytest.raises(RuntimeError, match="outside unit_of_work"), unit_of_work():
            ledger.append(cs.id, "member", "CAM", {"video": True, "audio": True})
        assert ledger.entries_after(cs.id, 0) == []
        assert ledger.append(cs.id, "member", "CAM", {"video": True, "audio": True})["seq"] == 1

"""counsel/records/audit.py on SQLite and PostgreSQL: which transaction an audit event is in."""

import pytest
from sqlalchemy import select

from counsel.extensions import db
from counsel.models import AuditEvent, Role, User
from counsel.records import audit
from counsel.uow import unit_of_work
from tests.helpers.people import PASSWORD_HASH


class Boom(Exception):
    """The action failed."""


def person(email: str) -> User:
    """An unsaved member."""
    return User(email=email, name=email, role=Role.MEMBER, password_hash=PASSWORD_HASH)


def committed(app) -> tuple[list[tuple[str, str]], list[str]]:
    """(action, result) of the stored audit events and the stored emails, committed only."""
    with app.app_context(), db.engine.connect() as connection:
        events = connection.execute(select(AuditEvent.action, AuditEvent.result)).all()
        return [tuple(row) for row in events], list(connection.scalars(select(User.email)))


def test_record_stays_when_the_callers_unit_rolls_back(db_app):
    with db_app.app_context(), pytest.raises(Boom), unit_of_work() as session:
        audit.record("access", "denied", "session:1")
        session.add(person("never@example.test"))
        raise Boom
    assert committed(db_app) == ([("access", "denied")], [])


def test_record_never_commits_the_callers_pending_writes(db_app):
    with db_app.app_context():
        db.session.add(person("pending@example.test"))
        audit.record("login", "failure", subject="pending@example.test")
        db.session.rollback()
    assert committed(db_app) == ([("login", "failure")], [])


def test_stage_commits_with_the_action(db_app):
    with db_app.app_context(), unit_of_work() as session:
        session.add(person("done@example.test"))
        audit.stage("admin.create_expert", "success", "user:1")
        assert committed(db_app) == ([], [])  # neither before the unit commits
    assert committed(db_app) == ([("admin.create_expert", "success")], ["done@example.test"])


def test_stage_rolls_back_with_the_action(db_app):
    with db_app.app_context(), pytest.raises(Boom), unit_of_work() as session:
        session.add(person("failed@example.test"))
        audit.stage("admin.create_expert", "success", "user:1")
        raise Boom
    assert committed(db_app) == ([], [])


def test_stage_outside_a_unit_is_refused_and_adds_nothing(db_app):
    with db_app.app_context():
        with pytest.raises(RuntimeError, match="unit_of_work"):
            audit.stage("logout", "success")
        assert not db.session.new

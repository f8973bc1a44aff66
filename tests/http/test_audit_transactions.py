"""Audit rows and requests on SQLite and PostgreSQL: denials stay, failed actions leave none."""

import pytest

from counsel.admin import actions
from counsel.extensions import db
from counsel.models import Role, User
from counsel.uow import unit_of_work
from tests.helpers.roomkit import audit_events
from tests.helpers.web import load, post


class Boom(Exception):
    """The action failed after its audit event was staged."""


@pytest.fixture
def app(db_app):
    """The shared fixtures (users, sessions, client) on each database in turn."""
    return db_app


def test_a_denied_room_stays_audited_though_the_request_fails(
    app, login_as, create_session, member, expert, other_member
):
    s1 = create_session(member, expert)
    assert login_as(other_member).get(f"/sessions/{s1.id}/room").status_code == 403
    assert audit_events(app, "access") == [("access", "denied", f"session:{s1.id}")]


def test_a_denied_admin_page_stays_audited(app, login_as, member):
    assert login_as(member).get("/admin/sessions").status_code == 403
    assert audit_events(app, "access") == [("access", "denied", "role:admin")]


def test_a_failed_disable_leaves_no_audit_row_and_no_change(
    app, login_as, admin, member, monkeypatch
):
    real_stage = actions.audit.stage

    def stage_then_fail(*args, **kwargs) -> None:
        real_stage(*args, **kwargs)
        raise Boom

    monkeypatch.setattr(actions.audit, "stage", stage_then_fail)
    assert post(login_as(admin), f"/admin/users/{member.id}/disable").status_code == 500
    after = load(app, User, member.id)
    assert after.active and after.login_token == member.login_token
    assert audit_events(app, "admin.disable_user") == []


def test_an_action_rolled_back_by_its_caller_takes_its_audit_row_along(app, create_user):
    expert = create_user(Role.EXPERT)
    with app.app_context():
        user = db.session.get(User, expert.id)
        with pytest.raises(Boom), unit_of_work():
            actions.disable_user(user)  # joins the outer unit: commits nothing itself
            raise Boom
    assert load(app, User, expert.id).active
    assert audit_events(app, "admin.disable_user") == []

"""The data layer on both databases: SQLite for development, PostgreSQL for production.

Every test here takes `db_app`, so it runs once on each (the PostgreSQL run is marked postgres).
"""

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from counsel.accounts import users
from counsel.extensions import db
from counsel.models import (
    CounselingSession,
    ExpertProfile,
    LedgerEntry,
    Role,
    SharedFile,
    Status,
    StatusChange,
    User,
    as_utc,
)
from counsel.sessions import workflow
from tests.helpers.people import PASSWORD_HASH


def add_user(role: Role, email: str) -> User:
    """A saved user (call inside an app context)."""
    user = User(email=email, name=email.split("@")[0], role=role, password_hash=PASSWORD_HASH)
    if role is Role.EXPERT:
        user.profile = ExpertProfile(display_name=user.name, specialty="Grief")
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def people(db_app) -> dict[str, int]:
    """Ids of a member, an expert, another member and another expert."""
    with db_app.app_context():
        users = {
            "member": add_user(Role.MEMBER, "m1@example.test"),
            "expert": add_user(Role.EXPERT, "e1@example.test"),
            "other_member": add_user(Role.MEMBER, "m2@example.test"),
            "other_expert": add_user(Role.EXPERT, "e2@example.test"),
        }
        return {key: user.id for key, user in users.items()}


@pytest.fixture
def requested(db_app, people) -> int:
    """Id of a session the member requested from the expert."""
    with db_app.app_context():
        member = db.session.get(User, people["member"])
        return workflow.request_session(member, people["expert"], "  Sleep trouble  ").id


def act(app, session_id: int, user_id: int, action: str) -> None:
    """Apply a workflow action in a fresh app context (a fresh database session)."""
    with app.app_context():
        session = db.session.get(CounselingSession, session_id)
        workflow.apply(session, db.session.get(User, user_id), action)


def status_of(app, session_id: int) -> tuple[Status, list[Status]]:
    """The session's status and its recorded history."""
    with app.app_context():
        session = db.session.get(CounselingSession, session_id)
        return session.status, [change.status for change in session.history]


def test_models_round_trip(db_app, people, requested):
    payload = {"text": "héllo ✓ 你好", "nested": {"list": [1, 2.5, None, True]}}
    with db_app.app_context():
        db.session.add(
            LedgerEntry(
                session_id=requested,
                seq=1,
                actor="member",
                type="TXT",
                actor_user_id=people["member"],
                payload=payload,
                client_id="c1",
            )
        )
        db.session.add(
            SharedFile(
                session_id=requested,
                uploader_id=people["member"],
                original_name="notes.pdf",
                stored_name="a" * 64,
                mime="application/pdf",
                size=12,
                sha256="f" * 64,
            )
        )
        db.session.commit()
    with db_app.app_context():
        session = db.session.get(CounselingSession, requested)
        assert session.topic == "Sleep trouble"
        assert session.status is Status.REQUESTED and session.member.role is Role.MEMBER
        assert session.expert.profile.specialty == "Grief"
        assert [change.status for change in session.history] == [Status.REQUESTED]
        entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.session_id == requested))
        assert entry.payload == payload
        age = datetime.now(UTC) - as_utc(entry.created_at)
        assert 0 <= age.total_seconds() < 60
        shared = db.session.scalar(select(SharedFile))
        assert (shared.uploader.id, shared.size, shared.mime) == (
            people["member"],
            12,
            "application/pdf",
        )


def test_email_is_unique_in_the_database(db_app, people):
    with db_app.app_context():
        db.session.add(
            User(
                email="m1@example.test", name="Twin", role=Role.MEMBER, password_hash=PASSWORD_HASH
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()


def add_entry(session_id: int, seq: int, actor: str, client_id: str | None) -> None:
    db.session.add(
        LedgerEntry(
            session_id=session_id, seq=seq, actor=actor, type="TXT", payload={}, client_id=client_id
        )
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((1, "member", "a"), (1, "expert", "b")),  # a seq is used once per session
        ((1, "member", "a"), (2, "member", "a")),  # a client_id once per session and sender
    ],
    ids=["seq", "client_id"],
)
def test_ledger_unique_constraints(db_app, requested, first, second):
    with db_app.app_context():
        add_entry(requested, *first)
        with pytest.raises(IntegrityError):
            add_entry(requested, *second)
        db.session.rollback()
        assert db.session.scalar(select(db.func.count(LedgerEntry.id))) == 1


def test_ledger_allows_what_is_not_a_duplicate(db_app, people, requested):
    with db_app.app_context():
        other = workflow.request_session(
            db.session.get(User, people["member"]), people["other_expert"], "Work"
        )
        add_entry(requested, 1, "member", "same")
        add_entry(requested, 2, "expert", "same")  # the same client_id from the other sender
        add_entry(other.id, 1, "member", "same")  # seq and client_id again, another session
        add_entry(requested, 3, "server", None)  # server entries carry no client_id ...
        add_entry(requested, 4, "server", None)  # ... and NULLs never collide
        assert db.session.scalar(select(db.func.count(LedgerEntry.id))) == 5


def test_every_transition_to_the_end(db_app, people, requested):
    act(db_app, requested, people["expert"], "accept")
    with db_app.app_context():
        session = db.session.get(CounselingSession, requested)
        assert session.accepted_at is not None
        assert workflow.mark_joined(requested, Role.MEMBER) is False
        assert workflow.mark_joined(requested, Role.EXPERT) is True
        assert workflow.mark_joined(requested, Role.MEMBER) is False  # live once only
        db.session.commit()
        db.session.refresh(session)
        workflow.end(session, db.session.get(User, people["member"]), "We are done")
    with db_app.app_context():
        session = db.session.get(CounselingSession, requested)
        assert (session.ended_by_id, session.end_reason) == (people["member"], "We are done")
        assert session.started_at is not None and session.duration_seconds >= 0
    assert status_of(db_app, requested) == (
        Status.ENDED,
        [Status.REQUESTED, Status.ACCEPTED, Status.LIVE, Status.ENDED],
    )


@pytest.mark.parametrize(
    ("setup", "actor", "action", "code"),
    [
        ([("expert", "accept")], "expert", "accept", 409),  # accept twice
        ([], "member", "accept", 403),  # a member accepting
        ([], "other_expert", "accept", 403),  # someone else's expert
        ([], "other_member", "cancel", 403),  # someone else's member
        ([], "expert", "cancel", 403),  # the expert cannot cancel
        ([("expert", "decline")], "member", "cancel", 409),  # nothing left to cancel
        ([("expert", "accept")], "expert", "decline", 409),  # too late to decline
        ([("member", "cancel")], "expert", "accept", 409),  # cancelled stays cancelled
        ([], "expert", "end-it", 404),  # not an action
    ],
)
def test_forbidden_transitions_change_nothing(
    db_app, people, requested, setup, actor, action, code
):
    for who, step in setup:
        act(db_app, requested, people[who], step)
    before = status_of(db_app, requested)
    with pytest.raises(workflow.WorkflowError) as refused:
        act(db_app, requested, people[actor], action)
    assert refused.value.status == code
    assert status_of(db_app, requested) == before


def test_cancel_is_refused_once_live(db_app, people, requested):
    act(db_app, requested, people["expert"], "accept")
    with db_app.app_context():
        workflow.mark_joined(requested, Role.MEMBER)
        workflow.mark_joined(requested, Role.EXPERT)
        db.session.commit()
    with pytest.raises(workflow.WorkflowError) as refused:
        act(db_app, requested, people["member"], "cancel")
    assert refused.value.status == 409
    assert status_of(db_app, requested)[0] is Status.LIVE


def test_a_stale_accept_loses_to_the_conditional_update(db_app, people, requested):
    with db_app.app_context():
        stale = db.session.get(CounselingSession, requested)
        expert = db.session.get(User, people["expert"])
        db.session.close()  # keep the loaded objects, release the connection and any lock
        act(db_app, requested, people["expert"], "decline")  # another tab wins meanwhile
        assert stale.status is Status.REQUESTED  # what the loser still believes
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.apply(stale, expert, "accept")
    assert refused.value.status == 409
    assert status_of(db_app, requested) == (Status.DECLINED, [Status.REQUESTED, Status.DECLINED])


def run_together(*jobs: Callable[[], None]) -> list[BaseException | None]:
    """Run the jobs in threads released at once; each result is None or the raised error."""
    barrier = threading.Barrier(len(jobs))
    results: list[BaseException | None] = [None] * len(jobs)

    def run(index: int) -> None:
        barrier.wait()
        try:
            jobs[index]()
        except BaseException as error:  # reported to the test, not lost in the thread
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_racing_accepts_and_declines_have_one_winner(db_app, people, requested):
    actions = ["accept", "decline", "accept", "decline"]
    results = run_together(
        *[lambda a=action: act(db_app, requested, people["expert"], a) for action in actions]
    )
    winners = [action for action, error in zip(actions, results, strict=True) if error is None]
    assert len(winners) == 1, results
    assert all(isinstance(e, workflow.WorkflowError) and e.status == 409 for e in results if e)
    status, history = status_of(db_app, requested)
    assert status is {"accept": Status.ACCEPTED, "decline": Status.DECLINED}[winners[0]]
    assert history == [Status.REQUESTED, status]


def test_racing_registrations_make_one_account(db_app):
    def register(name: str) -> Callable[[], None]:
        def job() -> None:
            with db_app.app_context():
                users.create_user("Twin@Example.com", name, Role.MEMBER, "long enough pw")

        return job

    results = run_together(register("First"), register("Second"))
    assert sorted(type(error).__name__ for error in results if error) == ["DuplicateEmail"]
    with db_app.app_context():
        emails = db.session.scalars(select(User.email)).all()
    assert emails == ["twin@example.com"]


def test_status_changes_are_recorded_with_their_actor(db_app, people, requested):
    act(db_app, requested, people["member"], "cancel")
    with db_app.app_context():
        changes = db.session.scalars(select(StatusChange).order_by(StatusChange.id)).all()
        assert [(c.status, c.actor_id) for c in changes] == [
            (Status.REQUESTED, people["member"]),
            (Status.CANCELLED, people["member"]),
        ]

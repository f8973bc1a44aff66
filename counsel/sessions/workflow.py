"""The session status machine as plain functions.

Every transition is a conditional UPDATE (`... WHERE status IN (...)`), so two racing clicks
cannot both win, on SQLite or PostgreSQL.
"""

from dataclasses import dataclass
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, Result, update
from sqlalchemy.orm import Session

from counsel.extensions import db
from counsel.i18n.names import status_name
from counsel.models import CounselingSession, Role, Status, StatusChange, User, utcnow
from counsel.uow import unit_of_work


class WorkflowError(Exception):
    """A refused action, with the HTTP status that describes it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class _LostRace(Exception):
    """The conditional update matched no row: another action changed the status first."""


@dataclass(frozen=True)
class Transition:
    actor_role: Role
    sources: tuple[Status, ...]
    target: Status
    stamp: str | None = None


TRANSITIONS = {
    "accept": Transition(Role.EXPERT, (Status.REQUESTED,), Status.ACCEPTED, "accepted_at"),
    "decline": Transition(Role.EXPERT, (Status.REQUESTED,), Status.DECLINED),
    "cancel": Transition(Role.MEMBER, (Status.REQUESTED, Status.ACCEPTED), Status.CANCELLED),
}

# Who may not: one sentence per action, since each language words the refusal its own way.
NOT_YOURS = {
    "accept": _l("Only the session's expert can accept it."),
    "decline": _l("Only the session's expert can decline it."),
    "cancel": _l("Only the session's member can cancel it."),
}


def request_session(member: User, expert_id: int, topic: str) -> CounselingSession:
    """A member asks an expert for a session."""
    if member.role is not Role.MEMBER:
        raise WorkflowError(403, _("Only members can request a session."))
    expert = db.session.get(User, expert_id)
    if expert is None or expert.role is not Role.EXPERT or not expert.active:
        raise WorkflowError(404, _("That expert does not exist."))
    topic = topic.strip()
    if not 1 <= len(topic) <= 200:
        raise WorkflowError(400, _("Please give a topic of 1 to 200 characters."))
    session = CounselingSession(member_id=member.id, expert_id=expert.id, topic=topic)
    with unit_of_work() as work:
        work.add(session)
        work.flush()
        work.add(StatusChange(session_id=session.id, status=Status.REQUESTED, actor_id=member.id))
    return session


def _is_actor(session: CounselingSession, user: User, role: Role) -> bool:
    return session.role_of(user.id) is role


def apply(session: CounselingSession, user: User, action: str) -> None:
    """Apply accept, decline or cancel for this user, or raise WorkflowError."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(404, _("Unknown action."))
    if not _is_actor(session, user, transition.actor_role):
        raise WorkflowError(403, str(NOT_YOURS[action]))
    values: dict = {"status": transition.target}
    if transition.stamp:
        values[transition.stamp] = utcnow()
    _conditional_update(session, transition.sources, values, user.id)


def _rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE matched (Session.execute is typed Result; DML returns CursorResult)."""
    return cast(CursorResult[Any], result).rowcount


def _conditional_update(
    session: CounselingSession, sources: tuple[Status, ...], values: dict, actor_id: int | None
) -> None:
    """Move the session from one of `sources` and record the change, in one unit of work."""
    try:
        with unit_of_work() as work:
            _update_or_lose(work, session.id, sources, values)
            change = StatusChange(session_id=session.id, status=values["status"], actor_id=actor_id)
            work.add(change)
    except _LostRace:
        # Rolled back (with anything staged for it), so the status read here is the current one.
        status = status_name(session.status)
        message = _("This session is %(status)s: that is no longer possible.", status=status)
        raise WorkflowError(409, message) from None
    db.session.refresh(session)


def _update_or_lose(
    work: Session, session_id: int, sources: tuple[Status, ...], values: dict
) -> None:
    """The conditional UPDATE; raises _LostRace when the status was no longer one of `sources`."""
    result = work.execute(
        update(CounselingSession)
        .where(CounselingSession.id == session_id, CounselingSession.status.in_(sources))
        .values(**values)
    )
    if _rowcount(result) != 1:
        raise _LostRace


def mark_joined(session_id: int, role: Role) -> bool:
    """In the caller's transaction: flag this participant as joined; True if that made it live.

    Two statements at most, no ORM load: the flag update returns the status and the other
    flag, and the live transition is the usual conditional update (racing joins go live once).
    """
    flag, other = ("member_joined", "expert_joined")
    if role is Role.EXPERT:
        flag, other = other, flag
    status, other_joined = db.session.execute(
        update(CounselingSession)
        .where(CounselingSession.id == session_id)
        .values({flag: True})
        .returning(CounselingSession.status, getattr(CounselingSession, other))
        .execution_options(synchronize_session=False)
    ).one()
    if status is not Status.ACCEPTED or not other_joined:
        return False
    live = db.session.execute(
        update(CounselingSession)
        .where(CounselingSession.id == session_id, CounselingSession.status == Status.ACCEPTED)
        .values(status=Status.LIVE, started_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if _rowcount(live) != 1:
        return False
    db.session.add(StatusChange(session_id=session_id, status=Status.LIVE, actor_id=None))
    return True


def end(session: CounselingSession, user: User, reason: str) -> None:
    """End the session: who, when, why."""
    values = {
        "status": Status.ENDED,
        "ended_at": utcnow(),
        "ended_by_id": user.id,
        "end_reason": reason[:500] or None,
    }
    _conditional_update(session, (Status.ACCEPTED, Status.LIVE), values, user.id)

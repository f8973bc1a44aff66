"""What each dashboard lists: plain queries, no request in here."""

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from counsel.extensions import db
from counsel.models import ROOM_OPEN_STATUSES, CounselingSession, Status, User

PAST_LIMIT = 50


def with_people(query):
    """Load both participants (and the expert's profile) with the sessions, not one by one."""
    return query.options(
        selectinload(CounselingSession.member),
        selectinload(CounselingSession.expert).selectinload(User.profile),
    )


def _sessions(condition: ColumnElement[bool]) -> list[CounselingSession]:
    query = with_people(select(CounselingSession).where(condition))
    order = (CounselingSession.created_at.desc(), CounselingSession.id.desc())
    return list(db.session.scalars(query.order_by(*order)))


def member_sessions(member_id: int) -> list[CounselingSession]:
    """A member's sessions, newest first."""
    return _sessions(CounselingSession.member_id == member_id)


@dataclass
class ExpertBoard:
    """An expert's sessions grouped the way the dashboard shows them."""

    requests: list[CounselingSession] = field(default_factory=list)
    upcoming: list[CounselingSession] = field(default_factory=list)
    past: list[CounselingSession] = field(default_factory=list)


def expert_board(expert_id: int) -> ExpertBoard:
    """An expert's incoming requests, accepted or live sessions, and recent past ones."""
    board = ExpertBoard()
    for session in _sessions(CounselingSession.expert_id == expert_id):
        if session.status is Status.REQUESTED:
            board.requests.append(session)
        elif session.status in ROOM_OPEN_STATUSES:
            board.upcoming.append(session)
        elif len(board.past) < PAST_LIMIT:
            board.past.append(session)
    return board

"""The admin session list: filters read from the query string, tolerant of bad values."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from counsel.extensions import db
from counsel.models import CounselingSession, LedgerEntry, Role, SharedFile, Status, User
from counsel.sessions.dashboards import with_people

MAX_TEXT = 100
# The query-string names of the two date filters, as the problems name them.
DATE_LABELS = {"from": _l("from"), "to": _l("to")}


@dataclass
class Filters:
    """The session list's filters; empty values mean "any"."""

    status: Status | None = None
    expert: int | None = None
    member: str = ""
    start: date | None = None
    end: date | None = None
    problems: list[str] = field(default_factory=list)

    def args(self) -> dict[str, str]:
        """The filters as query-string values, for links to other pages of the list."""
        names = {
            "status": "status",
            "expert": "expert",
            "member": "member",
            "start": "from",
            "end": "to",
        }
        values = asdict(self)
        return {names[k]: str(values[k]) for k in names if values[k] not in (None, "")}


def _status(raw: str, problems: list[str]) -> Status | None:
    try:
        return Status(raw) if raw else None
    except ValueError:
        problems.append(
            _("There is no status “%(value)s”: showing every status.", value=raw[:MAX_TEXT])
        )
        return None


def _expert(raw: str, problems: list[str]) -> int | None:
    if raw.isdecimal() and len(raw) < 10:
        return int(raw)
    if raw:
        problems.append(
            _("“%(value)s” is not an expert: showing every expert.", value=raw[:MAX_TEXT])
        )
    return None


def _day(raw: str, label: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        problems.append(
            _(
                "The %(label)s date “%(value)s” is not a date like 2025-01-31: it was ignored.",
                label=DATE_LABELS[label],
                value=raw[:MAX_TEXT],
            )
        )
        return None


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Read the filters; a bad value is dropped and explained in `problems`, never an error."""
    problems: list[str] = []
    filters = Filters(
        status=_status(args.get("status", "").strip(), problems),
        expert=_expert(args.get("expert", "").strip(), problems),
        member=args.get("member", "").strip()[:MAX_TEXT],
        start=_day(args.get("from", "").strip(), "from", problems),
        end=_day(args.get("to", "").strip(), "to", problems),
        problems=problems,
    )
    if filters.start and filters.end and filters.start > filters.end:
        problems.append(_("The from date is after the to date, so no session can match."))
    return filters


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd means the first page."""
    if raw and raw.isdecimal() and len(raw) < 7:
        return max(int(raw), 1)
    return 1


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _member_matches(query: Select, text: str) -> Select:
    member = aliased(User)
    needle = text.lower()
    return query.join(member, member.id == CounselingSession.member_id).where(
        or_(
            func.lower(member.name).contains(needle, autoescape=True),
            func.lower(member.email).contains(needle, autoescape=True),
        )
    )


def session_query(filters: Filters) -> Select:
    """Sessions matching the filters, newest first."""
    query = with_people(select(CounselingSession))
    if filters.status:
        query = query.where(CounselingSession.status == filters.status)
    if filters.expert:
        query = query.where(CounselingSession.expert_id == filters.expert)
    if filters.member:
        query = _member_matches(query, filters.member)
    if filters.start:
        query = query.where(CounselingSession.created_at >= _midnight(filters.start))
    if filters.end:
        next_day = filters.end + timedelta(days=1)
        query = query.where(CounselingSession.created_at < _midnight(next_day))
    return query.order_by(CounselingSession.created_at.desc(), CounselingSession.id.desc())


def all_experts() -> list[User]:
    """Every expert account, active or not, by name."""
    query = select(User).where(User.role == Role.EXPERT).order_by(func.lower(User.name))
    return list(db.session.scalars(query))


def ledger(session_id: int) -> list[LedgerEntry]:
    """The session's whole ledger in seq order."""
    query = select(LedgerEntry).where(LedgerEntry.session_id == session_id)
    return list(db.session.scalars(query.order_by(LedgerEntry.seq)))


def shared_files(session_id: int) -> list[SharedFile]:
    """The files shared in the session, in upload order."""
    query = select(SharedFile).where(SharedFile.session_id == session_id)
    return list(db.session.scalars(query.order_by(SharedFile.id)))

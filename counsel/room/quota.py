"""Per-session upload quotas: how many files and how many bytes one session may hold.

Checked before an upload streams in (a full session is refused at once) and again after its
row is added, inside the same transaction, so two uploads racing for the last place cannot
both be kept.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from counsel.extensions import db
from counsel.models import SharedFile
from counsel.room.uploads import MEGABYTE, UploadRefused


@dataclass(frozen=True)
class Quota:
    """A session's limits: files and bytes."""

    files: int
    bytes: int


def session_quota() -> Quota:
    """The configured limits (COUNSEL_MAX_FILES_PER_SESSION, COUNSEL_MAX_SESSION_MB)."""
    config = current_app.config
    return Quota(int(config["MAX_FILES_PER_SESSION"]), int(config["MAX_SESSION_MB"]) * MEGABYTE)


def usage(session_id: int) -> tuple[int, int]:
    """(files, bytes) the session holds now."""
    query = select(func.count(SharedFile.id), func.coalesce(func.sum(SharedFile.size), 0))
    count, size = db.session.execute(query.where(SharedFile.session_id == session_id)).one()
    return int(count), int(size)


def too_large_message() -> str:
    """The 413 message of an upload that would take the session past its total size."""
    size = f"{session_quota().bytes / MEGABYTE:g}"
    return _("A session's files may total at most %(size)s MB.", size=size)


def _refusal(quota: Quota, count: int, size: int) -> UploadRefused | None:
    if count > quota.files:
        return UploadRefused(
            429,
            _(
                "This session already holds %(count)s files, the most it may hold.",
                count=quota.files,
            ),
        )
    if size > quota.bytes:
        return UploadRefused(413, too_large_message())
    return None


def room_left(session_id: int) -> int:
    """Bytes the next upload may have; raises UploadRefused when the session is full."""
    quota = session_quota()
    count, size = usage(session_id)
    refused = _refusal(quota, count + 1, size + 1)
    if refused is not None:
        raise refused
    return quota.bytes - size


def check_after_adding(session_id: int) -> None:
    """Raise UploadRefused if the rows now in the transaction exceed the quota."""
    count, size = usage(session_id)
    refused = _refusal(session_quota(), count, size)
    if refused is not None:
        raise refused

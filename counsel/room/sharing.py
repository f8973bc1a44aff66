"""Sharing a received file in a session: its row and its audit event, in one unit of work."""

from pathlib import Path

from counsel.models import CounselingSession, SharedFile, User
from counsel.records import audit
from counsel.room import quota, uploads
from counsel.uow import unit_of_work


def share(
    cs: CounselingSession, user: User, name: str, received: uploads.Received, folder: Path
) -> SharedFile:
    """Save the row of a stored file (audited); the file goes again if the row cannot be saved
    or the session's quota was taken meanwhile (UploadRefused)."""
    shared = SharedFile(
        session_id=cs.id,
        uploader_id=user.id,
        original_name=name,
        stored_name=received.stored_name,
        mime=received.mime,
        size=received.size,
        sha256=received.sha256,
    )
    try:
        _save(shared)
    except BaseException:
        uploads.discard(folder, received.stored_name)
        raise
    return shared


def _save(shared: SharedFile) -> None:
    """Insert the row and its `file-upload stored` event together."""
    with unit_of_work() as session:
        session.add(shared)
        session.flush()  # the id, for the audit target
        quota.check_after_adding(shared.session_id)  # two uploads racing for the last place
        audit.stage("file-upload", "stored", f"file:{shared.id}")

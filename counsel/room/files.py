"""File sharing within a session: upload by its two people, download by them and admins."""

from pathlib import Path
from typing import NoReturn

from flask import Blueprint, abort, current_app, jsonify, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from counsel.extensions import db
from counsel.models import ROOM_OPEN_STATUSES, CounselingSession, Role, SharedFile
from counsel.records import audit
from counsel.room import filenames, filetypes, quota, sharing, uploads
from counsel.sessions.access import deny, participant_session
from counsel.web.api import json_login_required

bp = Blueprint("files", __name__)

# A response that no browser will sniff, cache, frame-script or run as a page of this origin.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _folder() -> Path:
    """The upload folder; an app built from a mapping without UPLOAD_DIR has none."""
    configured = current_app.config["UPLOAD_DIR"]
    if not configured:
        raise RuntimeError("UPLOAD_DIR is not configured (COUNSEL_UPLOAD_DIR)")
    return uploads.upload_folder(configured)


def _limit() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * uploads.MEGABYTE


def _refuse(session_id: int, refused: uploads.UploadRefused) -> NoReturn:
    """Audit a refused upload (never its contents) and answer it."""
    db.session.rollback()
    audit.record("file-upload", f"refused-{refused.status}", f"session:{session_id}")
    abort(refused.status, refused.message)


def _receive(session_id: int, incoming) -> uploads.Received:
    """Store the upload within the per-file limit and what is left of the session's quota."""
    try:
        left = quota.room_left(session_id)
        if left < _limit():
            return uploads.receive(incoming.stream, _folder(), left, quota.too_large_message())
        return uploads.receive(incoming.stream, _folder(), _limit())
    except uploads.UploadRefused as refused:
        _refuse(session_id, refused)


def describe(shared: SharedFile) -> dict:
    """A shared file's one shape: the upload's JSON and the FILE frame (`file_id` is `id`)."""
    return {
        "id": shared.id,
        "file_id": shared.id,
        "name": shared.original_name,
        "size": shared.size,
        "mime": shared.mime,
        "url": url_for("files.download", file_id=shared.id),
    }


@bp.post("/sessions/<id:session_id>/files")
@json_login_required
def upload(session_id: int):
    """Share a file in an open room: JSON 201 with its description."""
    cs, _role = participant_session(session_id)
    if cs.status not in ROOM_OPEN_STATUSES:
        abort(409, _("Files can only be shared while the session is open."))
    incoming = request.files.get("file")
    if incoming is None:
        abort(400, _("The upload was empty or incomplete. Choose a file and try again."))
    received = _receive(session_id, incoming)
    name = filenames.display_name(incoming.filename, received.mime)
    try:
        shared = sharing.share(cs, current_user, name, received, _folder())
    except uploads.UploadRefused as refused:  # another upload took the session's last place
        _refuse(session_id, refused)
    current_app.logger.info(
        "file %s stored in session %s (%s, %d bytes)", shared.id, cs.id, shared.mime, shared.size
    )
    return jsonify(describe(shared)), 201


def _file_or_404(file_id: int) -> SharedFile:
    shared = db.session.get(SharedFile, file_id)
    if shared is None:
        abort(404, _("No such file."))
    return shared


def _file_response(shared: SharedFile):
    path = _folder() / shared.stored_name
    if not path.is_file():
        current_app.logger.error("file %s missing from the upload folder", shared.id)
        abort(404, _("This file is no longer available."))
    # Flask adds "; charset=utf-8" to text/plain itself.
    response = send_file(path, mimetype=shared.mime, conditional=False, etag=False, max_age=None)
    inline = shared.mime in filetypes.INLINE_TYPES
    response.headers["Content-Disposition"] = filenames.content_disposition(
        shared.original_name, inline
    )
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.get("/files/<id:file_id>")
@login_required
def download(file_id: int):
    """The bytes of a shared file, for the session's two people and admins."""
    shared = _file_or_404(file_id)
    cs = db.session.get_one(CounselingSession, shared.session_id)
    is_admin = current_user.role is Role.ADMIN
    if not is_admin and cs.role_of(current_user.id) is None:
        deny(f"file:{file_id}")
    if is_admin:
        audit.record("file-download", "admin-read", f"file:{file_id}")
    return _file_response(shared)

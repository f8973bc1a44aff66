"""The room page, its ICE servers, its ledger and its summary."""

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from counsel.ertc.protocol import TXT
from counsel.extensions import db
from counsel.models import (
    ROOM_OPEN_STATUSES,
    CounselingSession,
    LedgerEntry,
    Role,
    SharedFile,
    Status,
)
from counsel.records import audit, ledger
from counsel.room.ice import ice_servers
from counsel.sessions.access import participant_session, viewable_session
from counsel.web.api import json_login_required

bp = Blueprint("room", __name__, url_prefix="/sessions/<id:session_id>")

CLOSED_MESSAGES = {
    Status.REQUESTED: _l("The expert has not accepted this session yet."),
    Status.DECLINED: _l("The expert declined this session."),
    Status.CANCELLED: _l("This session was cancelled."),
    Status.ENDED: _l("This session has ended."),
}
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
_AFTER = re.compile(r"^\d{1,18}$")
NO_STORE = {"Cache-Control": "no-store"}


def _websocket_origin() -> str:
    """The ws(s) origin of this app, which CSP level 2 browsers do not count as 'self'."""
    if not _HOST.match(request.host):
        return ""
    return ("wss://" if request.scheme == "https" else "ws://") + request.host


def room_headers() -> dict[str, str]:
    """Headers of the call page: its own scripts only, camera and microphone for itself only."""
    policy = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        f"connect-src 'self' {_websocket_origin()}".rstrip(),
        "media-src 'self' blob:",
        "img-src 'self' blob: data:",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
    return {
        "Content-Security-Policy": "; ".join(policy),
        "Permissions-Policy": "camera=(self), microphone=(self)",
        "Referrer-Policy": "same-origin",
        **NO_STORE,
    }


def _closed(cs: CounselingSession):
    """409 for a room that is not open; an ended one points to its summary."""
    link = url_for("room.summary", session_id=cs.id) if cs.status is Status.ENDED else None
    page = render_template(
        "error.html",
        status=409,
        message=str(CLOSED_MESSAGES[cs.status]),
        link_url=link,
        link_text=_("See the session summary"),
    )
    return page, 409


@bp.get("/room")
@login_required
def room(session_id: int):
    """The call page, for the session's member and expert while it is accepted or live."""
    cs, role = participant_session(session_id)
    if cs.status not in ROOM_OPEN_STATUSES:
        return _closed(cs)
    page = render_template(
        "room/room.html",
        cs=cs,
        role=role.value,
        me=current_user._get_current_object(),
        peer=cs.expert if role is Role.MEMBER else cs.member,
        max_upload_mb=current_app.config["MAX_UPLOAD_MB"],
        grace_seconds=current_app.config["PRESENCE_GRACE_SECONDS"],
    )
    response = make_response(page)
    response.headers.update(room_headers())
    return response


def _counts(session_id: int) -> dict[str, int]:
    chat = select(func.count()).where(LedgerEntry.session_id == session_id, LedgerEntry.type == TXT)
    files = select(func.count()).where(SharedFile.session_id == session_id)
    return {"chat": db.session.scalar(chat) or 0, "files": db.session.scalar(files) or 0}


@bp.get("/summary")
@login_required
def summary(session_id: int):
    """What happened in a session: duration, who ended it and why, how much was shared."""
    cs = viewable_session(session_id)
    role = cs.role_of(current_user.id) or Role.ADMIN
    page = render_template(
        "room/summary.html",
        cs=cs,
        role=role.value,
        duration_seconds=cs.duration_seconds,
        ended_by=cs.ended_by.name if cs.ended_by else None,
        end_reason=cs.end_reason,
        counts=_counts(cs.id),
    )
    return page, 200, NO_STORE


@bp.get("/ice")
@json_login_required
def ice(session_id: int):
    """STUN and TURN servers for this call; TURN credentials expire after TURN_TTL."""
    cs, _role = participant_session(session_id)
    if cs.status not in ROOM_OPEN_STATUSES:
        abort(409, str(CLOSED_MESSAGES[cs.status]))
    return jsonify(ice_servers(current_app.config, current_user.id)), 200, NO_STORE


def _after() -> int:
    raw = request.args.get("after", "0")
    if not _AFTER.match(raw):
        abort(400, _("`after` must be a whole number of 0 or more."))
    return int(raw)


@bp.get("/ledger", endpoint="ledger")
@json_login_required
def ledger_entries(session_id: int):
    """The persisted entries after `after`, in order: for reconnects and for admins."""
    cs = viewable_session(session_id)
    after = _after()
    if current_user.role is Role.ADMIN:
        audit.record("ledger", "admin-read", f"session:{cs.id}")
    return jsonify({"entries": ledger.entries_after(cs.id, after)}), 200, NO_STORE

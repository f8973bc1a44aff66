"""The room page, its ICE servers, its ledger and its summary. (Placeholder: the room issue.)"""

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("room", __name__, url_prefix="/sessions/<int:session_id>")


@bp.get("/room")
@login_required
def room(session_id: int):
    abort(404)


@bp.get("/summary")
@login_required
def summary(session_id: int):
    abort(404)

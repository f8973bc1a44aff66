"""Dashboards and the session workflow routes. (Placeholder.)"""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("sessions", __name__)


@bp.get("/")
@login_required
def dashboard():
    return "dashboard"

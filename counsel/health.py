"""GET /healthz: is the database reachable, is the relay delivering."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from counsel import ertc
from counsel.extensions import db
from counsel.web.errors import json_endpoint

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not ok"
        current_app.logger.warning("health: database check failed")
        return False
    finally:
        db.session.rollback()


@bp.get("/healthz")
@json_endpoint
def healthz():
    """JSON status of the parts; 503 naming the failing part."""
    relay = ertc.get_relay()
    parts = {"db": "ok" if _database_ok() else "down", "relay": "ok" if relay.healthy() else "down"}
    healthy = all(value == "ok" for value in parts.values())
    return jsonify({"status": "ok" if healthy else "degraded", **parts}), 200 if healthy else 503

"""Admin review pages. (Placeholder: filled in by the foundation issue.)"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

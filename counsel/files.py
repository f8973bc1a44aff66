"""File sharing within a session. (Placeholder: the room issue builds it.)"""

from flask import Blueprint

bp = Blueprint("files", __name__)

"""The /ertc route. (Placeholder: the room issue builds it.)"""

from flask import Blueprint

bp = Blueprint("ertc", __name__)

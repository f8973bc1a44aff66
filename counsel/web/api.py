"""Helpers for the JSON routes that the room page calls with fetch()."""

import functools
from collections.abc import Callable

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from counsel.web.errors import json_endpoint


def json_login_required(view: Callable) -> Callable:
    """Like login_required, but a JSON 401 instead of a redirect to the login page."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401, _("Please log in again."))
        return view(*args, **kwargs)

    return json_endpoint(checked)

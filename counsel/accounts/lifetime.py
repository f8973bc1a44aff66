"""Login lifetime: an idle limit and an absolute limit, kept in the signed session cookie.

The login's start and its last activity are stored in the Flask session; an app-level
`before_request` checks them before every request, the `/ertc` upgrade included (app-level
hooks run before a blueprint's). An expired login is logged out and the request goes on as
anonymous, so pages redirect to the login form and JSON routes and `/ertc` answer 401.
"""

import time

from flask import Flask, current_app, flash, g, request, session
from flask_babel import gettext as _

from counsel.i18n import N_

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
# The last-activity stamp is rewritten at most this often, so a busy page does not send a
# new cookie on every request.
TOUCH_SECONDS = 60
EXPIRED = N_("Your login expired. Please log in again.")
USER_KEY = "_user_id"  # where Flask-Login keeps the login in the session


def stamp_login() -> None:
    """Record that a login starts now (call right after login_user)."""
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def _limits() -> tuple[int, int]:
    """(absolute, idle) limits in seconds, from COUNSEL_LOGIN_DAYS and COUNSEL_IDLE_HOURS."""
    config = current_app.config
    return int(config["LOGIN_DAYS"] * 86400), int(config["IDLE_HOURS"] * 3600)


def expired(now: int) -> bool:
    """True when this session's login is past its absolute or its idle limit."""
    absolute, idle = _limits()
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    return now - login_at > absolute or now - seen_at > idle


def check_login() -> None:
    """Log out an expired login; otherwise note this request as activity.

    Read from the signed cookie alone, before any user is loaded: no database query, so the
    checks after it (the /ertc admission's 503 when the database is down) keep their answers.
    """
    if request.endpoint == "static" or USER_KEY not in session:
        return
    now = int(time.time())
    if expired(now):
        session.clear()  # what logout_user removes, without loading the user first
        g.pop("_login_user", None)
        flash(_(EXPIRED), "info")
        return
    if now - session[SEEN_AT] >= TOUCH_SECONDS:
        session[SEEN_AT] = now


def init_app(app: Flask) -> None:
    """Check every request's login before any blueprint's own checks."""
    app.before_request(check_login)

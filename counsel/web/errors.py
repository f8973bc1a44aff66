"""Error pages: HTML for pages, `{"error", "message"}` JSON for JSON routes."""

from collections.abc import Callable

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

CODES = {
    400: "bad-request",
    401: "not-logged-in",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-type",
    429: "too-many-requests",
    500: "server-error",
    503: "unavailable",
}

# Said instead of Werkzeug's own descriptions, which exist in English only.
PLAIN = {
    400: _l("The request was not understood."),
    404: _l("There is nothing at this address."),
    405: _l("That cannot be done at this address."),
    413: _l("That is too large to send."),
}


def json_endpoint(view: Callable) -> Callable:
    """Mark a view whose errors are answered as JSON."""
    view.json_errors = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    """True when the current request is for a JSON route."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "json_errors", False))


def json_error(status: int, message: str, code: str | None = None):
    """A JSON error response in the contract's shape."""
    body = {"error": code or CODES.get(status, "error"), "message": str(message)}
    return jsonify(body), status


def _handle_http(error: HTTPException):
    status = error.code or 500
    message = error.description
    if not message or message == type(error).description:
        message = PLAIN.get(status, _l("Something went wrong."))
    message = str(message)
    if wants_json():
        return json_error(status, message, getattr(error, "error_code", None))
    return render_template("error.html", status=status, message=message), status


def _handle_csrf(error: CSRFError):
    message = _("The form expired or did not come from this site. Reload the page and try again.")
    if wants_json():
        return json_error(400, message, "csrf")
    return render_template("error.html", status=400, message=message), 400


def _handle_unexpected(error: Exception):
    current_app.logger.exception("unhandled error on %s", request.endpoint)
    return _handle_http(InternalServerError(_("Something went wrong on our side.")))


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)

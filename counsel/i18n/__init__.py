"""Language and time zone: who sees which catalogue and which clock (docs/i18n.md)."""

from pathlib import Path
from typing import TypeGuard

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale, get_timezone
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from counsel.i18n import compiled, extract, names

LANGUAGES = ("en", "ko")
COOKIE = "lang"
# Each language's name in itself: a person who cannot read the page still finds their own.
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}
SOURCE = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark a message for extraction; it is translated with gettext where it is shown."""
    return message


def is_language(value: object) -> TypeGuard[str]:
    """True for a language Counsel speaks."""
    return isinstance(value, str) and value in LANGUAGES


def _saved(attribute: str) -> str | None:
    """An attribute of the logged-in person, or None when nobody is logged in."""
    if not has_request_context():
        return None
    try:
        if not current_user.is_authenticated:
            return None
        return getattr(current_user, attribute, None)
    except SQLAlchemyError:
        # The person's row cannot be read: the database is down (an error page is being
        # rendered), or a call socket's greenlet outlived its session (counsel/ertc/endpoint.py).
        # The cookie and the browser decide then; a translation never turns an error into a 500.
        return None


def select_language() -> str:
    """Saved choice, else the switcher's cookie, else Accept-Language, else the default."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    for candidate in (_saved("language"), request.cookies.get(COOKIE)):
        if is_language(candidate):
            return candidate
    return request.accept_languages.best_match(LANGUAGES) or default


def select_timezone() -> str:
    """The logged-in person's zone; UTC for everyone else."""
    return _saved("timezone") or "UTC"


def language() -> str:
    """The language of the current page: `ko` or `en`."""
    return str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])


def browser_catalogue() -> dict:
    """What the page's scripts need: locale, zone and their strings in this language."""
    return {
        "locale": language(),
        "timeZone": str(get_timezone() or "UTC"),
        "messages": extract.browser_messages(),
    }


def init_app(app: Flask) -> None:
    """Compile the catalogues into the instance folder and install Flask-Babel."""
    if not is_language(app.config["DEFAULT_LANGUAGE"]):
        raise ValueError(f"COUNSEL_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
    target = Path(app.instance_path) / "translations"
    compiled.compile_catalogues(SOURCE, target, LANGUAGES)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]
    babel.init_app(app, locale_selector=select_language, timezone_selector=select_timezone)
    # Whitespace inside {% trans %} blocks is not part of the message id (babel.cfg agrees).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        page_language=language,
        browser_catalogue=browser_catalogue,
        language_names=LANGUAGE_NAMES,
        role_name=names.role_name,
        status_name=names.status_name,
    )

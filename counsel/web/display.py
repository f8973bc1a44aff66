"""Template filters that show times, durations and sizes the same way on every page.

Times are stored in UTC and shown in the viewer's zone with their language's formats
(Flask-Babel's selectors in counsel/i18n).
"""

from datetime import datetime

from flask import Blueprint
from flask_babel import format_date, format_time, format_timedelta, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from counsel.models import User, as_utc, utcnow

DASH = "—"


def _local(value: datetime, time_format: str) -> str:
    """Date and time in the viewer's zone, joined the way their language joins them."""
    value = as_utc(value)
    date_text = format_date(value, "medium")
    time_text = format_time(value, time_format)
    joined = get_locale().datetime_formats["medium"]
    return joined.replace("{1}", date_text).replace("{0}", time_text)


def utc_text(value: datetime) -> str:
    """The UTC instant to the second, as the admin tooltip shows it."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S UTC")


def utc_iso(value: datetime | None) -> str:
    """The UTC instant in ISO 8601, for <time datetime>; empty when unknown."""
    return "" if value is None else as_utc(value).isoformat()


def when(value: datetime | None) -> str:
    """A timestamp in the viewer's zone to the minute, or a dash when unknown."""
    return DASH if value is None else _local(value, "short")


def instant(value: datetime | None) -> Markup | str:
    """Admin review: the viewer's zone to the second in a <time>, the UTC instant as its title."""
    if value is None:
        return DASH
    return Markup('<time datetime="{iso}" title="{utc}">{text}</time>').format(
        iso=utc_iso(value), utc=utc_text(value), text=_local(value, "medium")
    )


def relative(value: datetime | None) -> str:
    """How long ago or ahead: "10 minutes ago", "in 10 minutes", "10분 후"."""
    if value is None:
        return DASH
    return format_timedelta(as_utc(value) - utcnow(), add_direction=True)


def duration(seconds: int | None) -> str:
    """Seconds as "1h 05m" or "4m 09s" (in the viewer's language), or a dash when unknown."""
    if seconds is None:
        return DASH
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)sh %(minutes)sm", hours=hours, minutes=str(minutes).zfill(2))
    return _("%(minutes)sm %(seconds)ss", minutes=minutes, seconds=str(secs).zfill(2))


def filesize(size: object) -> str:
    """A byte count for people: 512 B, 3.4 KB, 1.2 MB."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return _("unknown size")
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def display_name(user: User) -> str:
    """An expert's public name from the profile, anyone else's account name."""
    return user.profile.display_name if user.profile else user.name


def register(bp: Blueprint) -> None:
    """Make the filters available to every template once the blueprint is registered."""
    for function in (when, instant, relative, utc_iso, duration, filesize, display_name):
        bp.add_app_template_filter(function)

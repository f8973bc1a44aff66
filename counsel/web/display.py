"""Template filters that show times, durations and sizes the same way on every page."""

from datetime import datetime

from flask import Blueprint

from counsel.models import User, as_utc


def when(value: datetime | None) -> str:
    """A timestamp in UTC to the minute, or a dash when unknown."""
    if value is None:
        return "—"
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: int | None) -> str:
    """Seconds as "1h 05m" or "4m 09s", or a dash when unknown."""
    if seconds is None:
        return "—"
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def filesize(size: object) -> str:
    """A byte count for people: 512 B, 3.4 KB, 1.2 MB."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return "unknown size"
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
    for function in (when, duration, filesize, display_name):
        bp.add_app_template_filter(function)

"""IANA time zones: which names are real, and the list a person chooses from."""

import functools
import zoneinfo

from flask_babel import lazy_gettext as _l

UTC = "UTC"
MAX_LENGTH = 64


@functools.cache
def known_zones() -> tuple[str, ...]:
    """Every zone name this system's tz database knows, sorted."""
    return tuple(sorted(zoneinfo.available_timezones()))


def is_zone(name: object) -> bool:
    """True for an IANA zone name this server can convert times into."""
    if not isinstance(name, str) or not 0 < len(name) <= MAX_LENGTH:
        return False
    return name in known_zones()


def proposed_zone(name: str | None) -> tuple[str, str | None]:
    """The browser's proposed zone, or UTC and a note saying why it was not taken."""
    name = (name or "").strip()
    if is_zone(name):
        return name, None
    if not name:
        return UTC, str(_l("Your browser did not tell us its time zone: times are in UTC."))
    return UTC, str(_l("We do not know the time zone your browser gave: times are in UTC."))

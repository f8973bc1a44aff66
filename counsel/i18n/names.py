"""People-facing names of roles and statuses; the stored values stay English codes."""

from flask_babel import lazy_gettext as _l

from counsel.models import Role, Status

ROLE_NAMES = {
    Role.MEMBER: _l("member"),
    Role.EXPERT: _l("expert"),
    Role.ADMIN: _l("admin"),
}
STATUS_NAMES = {
    Status.REQUESTED: _l("requested"),
    Status.ACCEPTED: _l("accepted"),
    Status.LIVE: _l("live"),
    Status.ENDED: _l("ended"),
    Status.DECLINED: _l("declined"),
    Status.CANCELLED: _l("cancelled"),
}


def role_name(role: Role | str) -> str:
    """A role in the page's language; an unknown value as it is."""
    try:
        return str(ROLE_NAMES[Role(role)])
    except ValueError:
        return str(role)


def status_name(status: Status | str) -> str:
    """A session status in the page's language; an unknown value as it is."""
    try:
        return str(STATUS_NAMES[Status(status)])
    except ValueError:
        return str(status)

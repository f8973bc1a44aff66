"""Logging out everywhere: the token rotation and its audit event in one unit of work."""

from counsel.accounts import users
from counsel.models import User
from counsel.records import audit
from counsel.uow import unit_of_work


def log_out_everywhere(user: User) -> None:
    """End every login of this user (cookies stop working) and record the logout."""
    with unit_of_work():
        users.end_all_logins(user)
        audit.stage("logout", "success", user_id=user.id)

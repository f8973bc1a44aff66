"""What admins change: each action and its audit event commit together, or neither does."""

from counsel.accounts import users
from counsel.models import Role, User
from counsel.records import audit
from counsel.uow import unit_of_work


def create_expert(email: str, name: str, password: str, specialty: str, bio: str) -> User:
    """A new expert account, audited; raises users.AccountError and then stores nothing."""
    with unit_of_work():
        user = users.create_user(email, name, Role.EXPERT, password, specialty=specialty, bio=bio)
        audit.stage("admin.create_expert", "success", f"user:{user.id}")
    return user


def disable_user(user: User) -> None:
    """Disable an account and rotate its login token: every cookie of it stops working."""
    with unit_of_work():
        user.active = False
        users.end_all_logins(user)
        audit.stage("admin.disable_user", "success", f"user:{user.id}")


def enable_user(user: User) -> None:
    """Let a disabled account log in again."""
    with unit_of_work():
        user.active = True
        audit.stage("admin.enable_user", "success", f"user:{user.id}")

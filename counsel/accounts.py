"""Account rules: creating users and experts, looking them up. No request in here."""

from sqlalchemy import func, select

from counsel.extensions import db
from counsel.models import ExpertProfile, Role, User, new_login_token
from counsel.passwords import hash_password


class DuplicateEmail(ValueError):
    """An account with this email already exists."""


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """The user with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(email: str, name: str, role: Role, password: str, *, specialty: str = "",
                bio: str = "") -> User:
    """Create a user (and an expert profile for experts); raises DuplicateEmail."""
    if find_by_email(email) is not None:
        raise DuplicateEmail(f"An account with the email {normalize_email(email)} already exists.")
    user = User(email=normalize_email(email), name=name.strip(), role=Role(role),
                password_hash=hash_password(password))
    if user.role is Role.EXPERT:
        user.profile = ExpertProfile(display_name=user.name, specialty=specialty.strip(),
                                     bio=bio.strip())
    db.session.add(user)
    db.session.commit()
    return user


def load_login(login_id: str) -> User | None:
    """The active user behind a Flask-Login id "<user id>:<login token>"."""
    user_id, _, token = login_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.login_token != token:
        return None
    return user


def end_all_logins(user: User) -> None:
    """Rotate the login token: every cookie of this user stops working."""
    user.login_token = new_login_token()
    db.session.commit()


def experts() -> list[User]:
    """Active experts, by name, for the directory."""
    query = select(User).where(User.role == Role.EXPERT, User.active.is_(True))
    return list(db.session.scalars(query.order_by(func.lower(User.name))))

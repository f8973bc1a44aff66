"""Account rules: creating users and experts, looking them up, checking logins. No request here."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from counsel.accounts.passwords import hash_password, needs_rehash, problem, verify_password
from counsel.extensions import db
from counsel.models import ExpertProfile, Role, User, new_login_token
from counsel.uow import unit_of_work

NAME_MAX = 100
EMAIL_MAX = 254


class AccountError(ValueError):
    """An account that cannot be created as asked; `field` names the input at fault."""

    status = 400  # the HTTP status a form answers with

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class DuplicateEmail(AccountError):
    """An account with this email already exists."""

    status = 409

    def __init__(self, email: str):
        super().__init__(
            "email", _("An account with the email %(email)s already exists.", email=email)
        )


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """The user with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def check_new_account(email: str, name: str, password: str) -> None:
    """Raise AccountError unless the email, name and password are acceptable."""
    if not 1 <= len(name.strip()) <= NAME_MAX:
        raise AccountError("name", _("The name must have 1 to %(max)s characters.", max=NAME_MAX))
    try:
        # Syntax only: no DNS lookup, and `.test` domains stay usable for demos.
        validate_email(email.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        message = _("That is not a valid email address: %(why)s", why=error)
        raise AccountError("email", message) from error
    if len(normalize_email(email)) > EMAIL_MAX:
        raise AccountError(
            "email", _("The email must have at most %(max)s characters.", max=EMAIL_MAX)
        )
    if (refusal := problem(password)) is not None:
        raise AccountError("password", refusal)


def create_user(
    email: str,
    name: str,
    role: Role,
    password: str,
    *,
    specialty: str = "",
    bio: str = "",
    timezone: str = "UTC",
) -> User:
    """Create a user (and an expert profile for experts); raises AccountError."""
    check_new_account(email, name, password)
    email = normalize_email(email)
    if find_by_email(email) is not None:
        raise DuplicateEmail(email)
    user = User(
        email=email,
        name=name.strip(),
        role=Role(role),
        password_hash=hash_password(password),
        timezone=timezone,
    )
    if user.role is Role.EXPERT:
        user.profile = ExpertProfile(
            display_name=user.name, specialty=specialty.strip(), bio=bio.strip()
        )
    with unit_of_work() as session:
        session.add(user)
        _flush_new_user(session, email)
    return user


def _flush_new_user(session: Session, email: str) -> None:
    # Two registrations racing for one email: the unique index decides, the loser gets 409.
    # Flushed here, not at the commit, so a caller's outer unit of work sees DuplicateEmail too.
    try:
        session.flush()
    except IntegrityError as error:
        raise DuplicateEmail(email) from error


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (in the same time either way)."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        with unit_of_work():
            user.password_hash = hash_password(password)
    return user


def load_login(login_id: str) -> User | None:
    """The active user behind a Flask-Login id "<user id>:<login token>"."""
    user_id, _, token = login_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.login_token != token:
        return None
    return user


def end_all_logins(user: User) -> None:
    """Rotate the login token: every cookie of this user stops working."""
    with unit_of_work():
        user.login_token = new_login_token()


def experts() -> list[User]:
    """Active experts, by name, for the directory."""
    query = select(User).where(User.role == Role.EXPERT, User.active.is_(True))
    return list(db.session.scalars(query.order_by(func.lower(User.name))))

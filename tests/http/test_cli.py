"""The operator's commands: `user create` and `demo`."""

import pytest
from sqlalchemy import func, select

from counsel.accounts.passwords import verify_password
from counsel.cli import DEMO_ACCOUNTS, DEMO_PASSWORD
from counsel.extensions import db
from counsel.models import Role, User

GOOD = ["--name", "Nia Newcomer", "--password", "a long password"]


def users(app) -> list[tuple[str, Role, str]]:
    """Every user as (email, role, name), by email."""
    with app.app_context():
        rows = db.session.execute(select(User.email, User.role, User.name).order_by(User.email))
        return [tuple(row) for row in rows]


def create(runner, *args: str, **kwargs):
    return runner.invoke(args=["user", "create", *args], **kwargs)


@pytest.mark.parametrize("role", ["member", "expert", "admin"])
def test_user_create(app, runner, role):
    result = create(runner, "  Nia@Example.TEST ", "--role", role, *GOOD)
    assert result.exit_code == 0, result.output
    assert "nia@example.test" in result.output
    assert users(app) == [("nia@example.test", Role(role), "Nia Newcomer")]
    with app.app_context():
        user = db.session.scalar(select(User))
        assert verify_password(user.password_hash, "a long password")
        assert (user.profile is not None) is (role == "expert")


def test_user_create_prompts_for_the_password_twice(app, runner):
    result = create(
        runner,
        "p@example.test",
        "--role",
        "member",
        "--name",
        "P",
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long password" not in result.output  # hidden input is not echoed
    assert [email for email, _, _ in users(app)] == ["p@example.test"]


def test_user_create_refuses_a_duplicate_email(app, runner, member):
    before = users(app)
    result = create(runner, member.email.upper(), "--role", "admin", *GOOD)
    assert result.exit_code != 0
    assert f"An account with the email {member.email} already exists." in result.output
    assert users(app) == before  # same user, same role and name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x@example.test", "--role", "superuser", *GOOD], "Invalid value for '--role'"),
        (["x@example.test", "--name", "X", "--password", "a long password"], "--role"),
        (
            ["x@example.test", "--role", "member", "--name", "X", "--password", "short"],
            "The password must have 12 to 256 characters.",
        ),
        (["not-an-email", "--role", "member", *GOOD], "That is not a valid email address"),
        (
            ["x@example.test", "--role", "member", "--name", "   ", "--password", "long enough!"],
            "The name must have 1 to 100 characters.",
        ),
        (
            [
                "x@example.test",
                "--role",
                "member",
                "--name",
                "N" * 101,
                "--password",
                "long enough!",
            ],
            "The name must have 1 to 100 characters.",
        ),
    ],
    ids=["bad-role", "no-role", "short-password", "bad-email", "blank-name", "long-name"],
)
def test_user_create_refuses_bad_input(app, runner, args, message):
    result = create(runner, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert users(app) == []


def test_demo_twice_is_idempotent_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert first.output == second.output
    assert DEMO_PASSWORD in first.output
    expected = sorted((email, role, name) for email, name, role, _ in DEMO_ACCOUNTS)
    assert users(app) == expected
    assert all(email in first.output for email, _, _ in expected)
    with app.app_context():
        experts = db.session.scalar(select(func.count()).where(User.role == Role.EXPERT))
    assert experts == 2 and len(expected) == 5


def test_demo_keeps_an_existing_account_as_it_is(app, runner):
    email = DEMO_ACCOUNTS[0][0]
    assert create(runner, email, "--role", "member", *GOOD).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert (email, Role.MEMBER, "Nia Newcomer") in users(app)
    assert len(users(app)) == 5

"""CLI: `flask --app app user create ...` and `flask --app app demo`."""

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from counsel.accounts import users
from counsel.models import Role

user_cli = AppGroup("user", help="Manage user accounts.")

DEMO_PASSWORD = "counsel-demo-pass"
DEMO_ACCOUNTS = (
    ("admin@counsel.test", "Ada Admin", Role.ADMIN, ""),
    ("expert1@counsel.test", "Dr. Erin Expert", Role.EXPERT, "Anxiety and stress"),
    ("expert2@counsel.test", "Sam Sage", Role.EXPERT, "Career and life changes"),
    ("member1@counsel.test", "Mia Member", Role.MEMBER, ""),
    ("member2@counsel.test", "Max Member", Role.MEMBER, ""),
)


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create a user with a role."""
    try:
        user = users.create_user(email, name, Role(role), password)
    except users.AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo accounts (idempotent) and print their logins."""
    for email, name, role, specialty in DEMO_ACCOUNTS:
        if users.find_by_email(email) is None:
            users.create_user(email, name, role, DEMO_PASSWORD, specialty=specialty)
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, name, role, _ in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<7} {email:<24} {name}")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_command)

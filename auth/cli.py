"""`flask users ...`: manage accounts from the shell (the first admin is created this way)."""
from __future__ import annotations

import os
from typing import Optional

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from auth.models import User
from auth.services import create_user, set_active, update_user
from core.access import ROLES
from core.cli_options import commit_or_fail
from extensions import db


@click.group("users")
def users_cli():
    """Create, list, disable and re-enable accounts."""


def _find(name: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))
    if user is None:
        raise click.ClickException(f"no account named {name!r}")
    return user


def _apply(change) -> None:
    """Run an account change, committing it or turning a refusal into a CLI error."""
    commit_or_fail(change)


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The account's role.")
@click.option("--display-name", default="", help="Full name shown in the interface.")
@with_appcontext
def create_command(name: str, role: str, display_name: str):
    """Create account NAME; the password comes from LIANDONG_PASSWORD or a prompt."""
    password = os.environ.get("LIANDONG_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    _apply(lambda: create_user(name, role, password, actor=None, display_name=display_name))
    click.echo(f"created {name} ({role})")


@users_cli.command("list")
@with_appcontext
def list_command():
    """Print every account with its role and state."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'disabled'}")


@users_cli.command("disable")
@click.argument("name")
@with_appcontext
def disable_command(name: str):
    """Disable account NAME and end its sessions."""
    user = _find(name)
    _apply(lambda: set_active(user, False, actor=None))
    click.echo(f"disabled {user.username}")


@users_cli.command("enable")
@click.argument("name")
@with_appcontext
def enable_command(name: str):
    """Re-enable account NAME."""
    user = _find(name)
    _apply(lambda: set_active(user, True, actor=None))
    click.echo(f"enabled {user.username}")


@users_cli.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def set_role_command(name: str, role: str):
    """Give account NAME another role."""
    user = _find(name)
    _apply(lambda: update_user(user, role=role, display_name=user.display_name, actor=None))
    click.echo(f"{user.username} is now {role}")


def command_actor(username: Optional[str]) -> Optional[User]:
    """The account a command acts as (`--user NAME`, any case), None when not given; an unknown name
    ends the command with its reason."""
    if not username:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"no account named {username!r}")
    return user

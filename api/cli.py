"""`flask tokens ...`: make and revoke personal access tokens from the shell."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from api.models import SCOPES, ApiToken
from api.tokens import MAX_DAYS, create_token, revoke_token
from auth.models import User
from core.cli_options import commit_or_fail
from extensions import db


@click.group("tokens")
def tokens_cli():
    """Make, list and revoke personal access tokens for the JSON API."""


@tokens_cli.command("create")
@click.argument("username")
@click.option("--scope", type=click.Choice(SCOPES), required=True, help="read, or write (reads too).")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=90, show_default=True, help="Days it lasts.")
@click.option("--name", default="", help="What it is for (shown on the tokens page).")
@with_appcontext
def create_command(username: str, scope: str, days: int, name: str):
    """Make a token for USERNAME and print it once (only its hash is kept)."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"no account named {username!r}")
    made = commit_or_fail(lambda: create_token(user, scope, days, name))
    until = f"{made.token.expires_at:%Y-%m-%d %H:%M} UTC"
    click.echo(f"token {made.token.id} for {user.username} ({scope}, until {until}):")
    click.echo(made.secret)


@tokens_cli.command("list")
@with_appcontext
def list_command():
    """Every token: id, user, scope, prefix, expiry, state."""
    rows = db.session.execute(select(ApiToken, User).join(User, ApiToken.user_id == User.id).order_by(ApiToken.id))
    for token, user in rows:
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.id}\t{user.username}\t{token.scope}\t{token.prefix}…\t{token.expires_at:%Y-%m-%d}\t{state}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_command(token_id: int):
    """Revoke token TOKEN_ID at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token {token_id}")
    commit_or_fail(lambda: revoke_token(token))
    click.echo(f"revoked token {token_id}")

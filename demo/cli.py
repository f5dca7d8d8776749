"""`flask seed-demo`: load the demo county, commit, and print what was created and how to sign in."""
from __future__ import annotations

import os
from datetime import date

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select

from api.models import ApiToken
from api.tokens import create_token
from auth.models import User
from auth.services import ROLE_LABELS
from core.cli_options import commit_or_fail, day_or_today
from core.clock import utcnow
from demo import data
from demo.library import TOWNSHIP_USER
from demo.requests import APPROVER
from demo.seed import demo_password, seed_demo
from extensions import db


def _existing_usernames() -> set[str]:
    """Demo usernames that already have an account (their passwords are not touched)."""
    names = [username for username, _, _ in data.USERS] + [TOWNSHIP_USER[0], APPROVER[0]]
    return set(db.session.scalars(select(func.lower(User.username)).where(func.lower(User.username).in_(names))))


@click.command("seed-demo")
@click.option("--today", callback=day_or_today, metavar="YYYY-MM-DD",
              help="Date the demo is built around (default: today); 'late' and 'idle' are relative to it.")
@with_appcontext
def seed_demo_command(today: date):
    """Load the illustrative demo county (idempotent) and print the demo accounts."""
    existing = _existing_usernames()
    counts = commit_or_fail(lambda: seed_demo(today))
    click.echo(f"Demo county as of {today.isoformat()} (illustrative data). Created:")
    for name, count in counts.items():
        click.echo(f"  {name.replace('_', ' ')}: {count}")
    click.echo("Demo accounts:")
    with force_locale("en"):
        for username, role, _ in data.USERS:
            label = str(ROLE_LABELS[role]).lower()
            secret = "(existing account, password unchanged)" if username in existing else demo_password()
            click.echo(f"  {username} / {secret} ({label})")
        username, role, _name = APPROVER
        secret = "(existing account, password unchanged)" if username in existing else demo_password()
        click.echo(f"  {username} / {secret} ({str(ROLE_LABELS[role]).lower()}, approves payment requests)")
        username, role, _name, area_code = TOWNSHIP_USER
        secret = "(existing account, password unchanged)" if username in existing else demo_password()
        click.echo(f"  {username} / {secret} ({str(ROLE_LABELS[role]).lower()}, township {area_code} only)")
    _print_leader_token()


DEMO_TOKEN_NAME = "demo"


def _print_leader_token() -> None:
    """A read token for the demo leader, made once (shown once: a second run says where it is)."""
    leader = db.session.scalar(select(User).where(User.username == "leader"))
    if leader is None:
        return
    held = db.session.scalar(select(ApiToken.prefix).where(
        ApiToken.user_id == leader.id, ApiToken.name == DEMO_TOKEN_NAME, ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > utcnow()))
    if held is not None:
        click.echo(f"API read token of leader: {held}… made earlier (shown once; revoke it and run again for a new one)")
        return
    made = commit_or_fail(lambda: create_token(leader, "read", 30, DEMO_TOKEN_NAME))
    click.echo("API read token of leader (30 days; shown once): " + made.secret)
    port = os.environ.get("PORT", "5000")  # scripts/demo serves on PORT
    click.echo(f"  try: curl -H 'Authorization: Bearer {made.secret}' http://127.0.0.1:{port}/api/v1/projects")

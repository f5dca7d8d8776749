"""What the command-line tools share: option parsing, and the commit policy as a command ends."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import click

from core.dates import PLAN, DateProblem, parse_day, window
from core.errors import Refused
from core.transactions import ConflictError, commit_with_retry
from extensions import db

T = TypeVar("T")


def day_or_today(_ctx, _param, value) -> date:
    """click callback: a YYYY-MM-DD option as a date within the app's date window, today when not given."""
    if value is None:
        return date.today()
    try:
        day = parse_day(value)
    except DateProblem as problem:
        raise click.BadParameter(f"{problem.message} (use YYYY-MM-DD)") from problem
    problem = window().problem(day, today=date.today(), kind=PLAN)
    if problem is not None:
        raise click.BadParameter(str(problem))
    return day


def commit_or_fail(work: Callable[[], T]) -> T:
    """Run a command's `work` under the one commit policy (core.transactions); a refusal or a clash
    ends the command with its message and a non-zero exit, nothing stored."""
    try:
        return commit_with_retry(work)
    except Refused as refused:
        db.session.rollback()
        message = "; ".join(f"{field}: {text}" for field, text in refused.errors.items())
        raise click.ClickException(message) from refused
    except ConflictError as error:
        raise click.ClickException(f"nothing stored: the same records changed at the same moment ({error})") from error

"""Option parsing shared by the command-line tools."""
from __future__ import annotations

from datetime import date

import click

from core.dates import PLAN, DateProblem, parse_day, window


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

"""Option parsing shared by the command-line tools."""
from __future__ import annotations

from datetime import date, datetime

import click


def day_or_today(_ctx, _param, value) -> date:
    """click callback: a YYYY-MM-DD option as a date, today when not given."""
    if value is None:
        return date.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise click.BadParameter("use YYYY-MM-DD") from error

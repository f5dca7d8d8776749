"""`flask checks [--json] [--today YYYY-MM-DD] [--rebuild]`: list every fund-rule breach.

Text output is one line per breach and a count per kind; `--json` prints a JSON list of objects
with kind, rule_id, source_id, source_code, project_id, project_code, project_name, message and
detail (the numbers behind the message). Rules that cannot be applied are reported on stderr. The
list is a full run of the checks on the ledger. `--rebuild` first stores every allocation's
standing breaches again (funds.rules.standing), as after a bulk load or an upgrade.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli_options import commit_or_fail, day_or_today
from funds.rules import standing
from funds.rules.checks import run_checks


@click.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print the breaches as a JSON list.")
@click.option("--today", callback=day_or_today, metavar="YYYY-MM-DD",
              help="Check as of this date (default: today); idle periods are counted to it.")
@click.option("--rebuild", is_flag=True, help="First store every allocation's standing breaches again.")
@with_appcontext
def checks_command(as_json: bool, today: date, rebuild: bool):
    """List every fund-rule breach."""
    if rebuild:
        count = commit_or_fail(standing.rebuild)
        click.echo(f"stored {count} standing breaches", err=True)
    run = run_checks(today)
    for problem in run.problems:
        click.echo(f"rule {problem.rule_id} ({problem.kind}) not applied: {problem.message}", err=True)
    more = more_check_rows(today)
    if as_json:
        click.echo(json.dumps([breach.to_json() for breach in run.breaches] + more, ensure_ascii=False, indent=2))
        return
    for breach in run.breaches:
        click.echo(f"{breach.kind}\t{breach.source_code}\t{breach.project_code}\t{breach.message}")
    for row in more:
        click.echo(f"{row['kind']}\t{row['source_code']}\t{row['project_code']}\t{row['message']}")
    counted = Counter(run.counts) + Counter(row["kind"] for row in more)
    counts = ", ".join(f"{kind}: {count}" for kind, count in counted.items() if count)
    total = len(run.breaches) + len(more)
    click.echo(f"{total} breaches as of {today.isoformat()}" + (f" ({counts})" if counts else ""))


def more_check_rows(today: date) -> list[dict]:
    """The checks features above finance add to the list (assets: `asset_not_handed_over`), as breach
    dicts; each registers a function of `today` in app.extensions["more_check_rows"]."""
    return [row for rows_of in current_app.extensions.get("more_check_rows", []) for row in rows_of(today)]


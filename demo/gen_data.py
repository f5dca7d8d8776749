"""`flask gen-data`: fill an empty database with a synthetic county, deterministically from a seed.

    flask --app app gen-data --projects 5000 --payments 500000 --seed 1 --statement instance/statement.csv

The plan (demo.gen_plan) decides every row with one `random.Random(seed)`; this module writes the
rows with Core `insert()` executemany in chunks, in one transaction (a failure leaves nothing), and
the balances the ledger keeps in step are computed while the rows are planned, so they equal the
sums the invariants recompute. It refuses a database that already has projects: a synthetic county
is never mixed into real data. The statement file is the county account's bank statement as banks
export it (GB18030, Chinese headers, account details above the header, a 合计 row) with the usual
mess: bank fees no payment explains, the same amount twice, full-width digits, spaces in names,
missing references and lines booked a few days late.
"""
from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Optional

import click
from flask.cli import with_appcontext
from sqlalchemy import bindparam, func, insert, select, text

from audit.services import record
from demo.data import FUND_RULES
from demo.gen_plan import (
    AllocationPlan,
    CountyPlan,
    close_finished_allocations,
    plan_appropriations,
    plan_county,
    plan_payments,
    share_payments,
    village_names,
)
from demo.seed import _seed_areas
from extensions import db
from funds.ledger.services import refresh_awaiting
from funds.models import (
    Allocation,
    AllocationCategory,
    AllocationEntry,
    Appropriation,
    FundRule,
    FundSource,
    Payment,
    SourceMonth,
)
from funds.rules import standing
from projects.models import Area, Milestone, ProgressUpdate, Project

CHUNK = 5000
TABLES = (FundSource, Appropriation, Project, Milestone, ProgressUpdate, Allocation, AllocationEntry, Payment, Area)
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


class GenerationRefused(click.ClickException):
    """The database is not one a synthetic county may be written into."""


def _first_free_ids() -> dict[str, int]:
    return {table.__tablename__: int(db.session.scalar(select(func.max(table.id))) or 0) + 1 for table in TABLES}


def _insert(table, rows: Iterable[dict], progress=None) -> int:
    """Insert rows in chunks of CHUNK with Core executemany; return how many."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            db.session.execute(insert(table.__table__), chunk)
            count += len(chunk)
            if progress is not None:
                progress.update(len(chunk))
            chunk = []
    if chunk:
        db.session.execute(insert(table.__table__), chunk)
        count += len(chunk)
        if progress is not None:
            progress.update(len(chunk))
    return count


def _villages(rng: random.Random, per_town: int) -> list[int]:
    """The demo's towns and villages plus `per_town` illustrative villages in each town; all village ids."""
    areas = _seed_areas(Counter())
    known = set(db.session.scalars(select(Area.code)))
    next_id = _first_free_ids()["area"]
    rows = []
    for town in (area for area in areas.values() if area.parent_id is None):
        for number, name in enumerate(village_names(rng, per_town), start=1):
            code = f"{town.code}-G{number:02d}"
            if code not in known:
                rows.append({"id": next_id, "code": code, "name_zh": name + "（示例）",
                             "name_en": f"{town.name_en} village {number}", "kind": "village", "parent_id": town.id})
                next_id += 1
    _insert(Area, rows)
    return list(db.session.scalars(select(Area.id).where(Area.parent_id.is_not(None)).order_by(Area.id)))


def _rules() -> None:
    """The county's fund rules (those of the demo), when none of their kind is there yet."""
    for kind, channel, params, note in FUND_RULES:
        if not db.session.scalar(select(FundRule.id).where(FundRule.kind == kind, FundRule.channel == channel
                                                           if channel else FundRule.channel.is_(None))):
            db.session.add(FundRule(kind=kind, channel=channel, params=params, note=note))
    db.session.flush()


def _plan_rows(plan: CountyPlan) -> dict[str, list[dict]]:
    sources = [{"id": s.id, "code": s.code, "name": s.name, "channel": s.channel, "level": s.level,
                "fiscal_year": s.fiscal_year, "managing_department": "双牌县财政局（示例）", "document_ref": "",
                "received_fen": s.received_fen, "allocated_fen": s.allocated_fen, "spent_fen": s.spent_fen,
                "created_at": datetime(s.fiscal_year, 1, 5)} for s in plan.sources]
    projects = [{"id": p.id, "code": p.code, "name": p.name, "category": p.category, "area_id": p.area_id,
                 "scale_quantity": p.scale[0] if p.scale else None, "scale_unit": p.scale[1] if p.scale else None,
                 "budget_fen": p.budget_fen, "allocated_fen": p.allocated_fen, "spent_fen": p.spent_fen,
                 "progress_bp": p.progress_bp, "planned_start": p.planned_start, "planned_end": p.planned_end,
                 "actual_start": p.actual_start, "actual_end": p.actual_end, "status": p.status,
                 "responsible_unit": "双牌县交通运输局（示例）", "contractor": p.contractor, "description": "（示例）",
                 "created_at": datetime(p.planned_start.year, 1, 2), "updated_at": datetime(p.planned_start.year, 1, 2),
                 "version": 1} for p in plan.projects]
    allocations = [{"id": a.id, "source_id": a.source.id, "project_id": a.project.id, "amount_fen": a.amount_fen,
                    "spent_fen": a.spent_fen, "last_payment_on": a.last_payment_on,
                    "created_at": datetime(a.entry_date.year, a.entry_date.month, a.entry_date.day)}
                   for a in plan.allocations]
    entries = [{"allocation_id": a.id, "delta_fen": a.amount_fen + a.withdrawn_fen, "entry_date": a.entry_date,
                "document_no": f"双财建〔{a.entry_date.year}〕{a.id}号", "reason": "年度资金安排（示例）",
                "created_at": datetime(a.entry_date.year, a.entry_date.month, a.entry_date.day)}
               for a in plan.allocations]
    entries += [_withdrawal(a) for a in plan.allocations if a.withdrawn_fen]
    return {"sources": sources, "projects": projects, "allocations": allocations,
            "entries": entries}


def _withdrawal(allocation: AllocationPlan) -> dict:
    """The entry taking back what a finished project left unspent, 60 days after its end."""
    end = allocation.project.actual_end
    assert end is not None  # close_finished_allocations takes back only finished projects' money
    return {"allocation_id": allocation.id, "delta_fen": -allocation.withdrawn_fen,
            "entry_date": end + timedelta(days=60), "document_no": f"双财决〔{allocation.id}〕号",
            "reason": "竣工决算，收回结余资金（示例）", "created_at": datetime(end.year, end.month, end.day)}


def _reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the ids written explicitly."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in TABLES:
        name = table.__tablename__
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"))


def generate_county(*, projects: int, payments: int, seed: int, sources: int = 40, today: date = date(2026, 6, 30),
                    villages_per_town: int = 12, statement_path: Optional[Path] = None,
                    statement_lines: int = 100_000, echo=lambda message: None) -> dict[str, int]:
    """Write the synthetic county into the session's database (the caller commits); return the counts."""
    if db.session.scalar(select(func.count(Project.id))):
        raise GenerationRefused("the database already has projects; gen-data writes only into a county-less database")
    rng = random.Random(seed)
    area_ids = _villages(rng, villages_per_town)
    _rules()
    first = _first_free_ids()
    plan = plan_county(rng, projects=projects, sources=sources, area_ids=area_ids, first_ids=first, today=today)
    share_payments(rng, plan, payments)
    county_account = plan.sources[0].id
    kept: list[dict] = []

    months: dict[tuple[int, int], list[int]] = {}

    def payment_rows() -> Iterator[dict]:
        for row in plan_payments(rng, plan, first["payment"]):
            month = months.setdefault((row["source_id"], row["period"]), [0, 0, 0])
            month[0 if row["amount_fen"] > 0 else 1] += row["amount_fen"]
            month[2] += 1
            if row["source_id"] == county_account:
                kept.append({key: row[key] for key in ("paid_on", "amount_fen", "voucher_no", "payee")})
            yield row

    # Payments go first: the balances are final once they are all planned. SQLite checks the
    # foreign keys at each statement, so the rows they point at are inserted before them.
    with click.progressbar(length=payments, label="payments", file=None) as bar:
        echo(f"planning {len(plan.projects)} projects, {len(plan.milestones)} milestones, "
             f"{len(plan.allocations)} allocations")
        _insert_parents(plan)
        counts = {"payments": _insert(Payment, payment_rows(), bar)}
    _insert(SourceMonth, ({"source_id": source_id, "period": period, "paid_fen": paid, "reversed_fen": reversed_,
                           "entries": entries} for (source_id, period), (paid, reversed_, entries) in sorted(months.items())))
    for source_id in sorted({source_id for source_id, _period in months}):
        refresh_awaiting(source_id)  # every payment awaits its line but unmatched reversal pairs
    _finish_balances(plan)
    counts.update(projects=len(plan.projects), milestones=len(plan.milestones), allocations=len(plan.allocations),
                  fund_sources=len(plan.sources), progress_updates=len(plan.progress_updates))
    _reset_sequences()
    if statement_path is not None:
        counts["statement_lines"] = write_statement(statement_path, kept, rng, statement_lines)
    echo("checking every allocation against the fund rules")
    standing.rebuild()
    record("demo.gen_data", object_type="project", object_id="*", after={"seed": seed, **counts})
    return counts


def _insert_parents(plan: CountyPlan) -> None:
    """Sources, projects, milestones, progress and allocations, with zero balances for now."""
    parents = _plan_rows(plan)
    _insert(FundSource, ({**row, "received_fen": 0, "allocated_fen": 0, "spent_fen": 0} for row in parents["sources"]))
    _insert(Project, ({**row, "allocated_fen": 0, "spent_fen": 0} for row in parents["projects"]))
    _insert(Milestone, plan.milestones)
    _insert(ProgressUpdate, plan.progress_updates)
    _insert(Allocation, ({**row, "spent_fen": 0, "last_payment_on": None} for row in parents["allocations"]))


def _finish_balances(plan: CountyPlan) -> None:
    """Appropriations, allocation entries and the final balances, written once the payments are planned."""
    close_finished_allocations(random.Random(len(plan.allocations)), plan)
    _insert(AllocationCategory, ({"allocation_id": a.id, "cost_category": category, "spent_fen": spent}
                                 for a in plan.allocations for category, spent in sorted(a.by_category.items())))
    appropriations = plan_appropriations(random.Random(len(plan.sources)), plan.sources, _first_free_ids()["appropriation"])
    _insert(Appropriation, appropriations)
    _insert(AllocationEntry, _plan_rows(plan)["entries"])
    table = FundSource.__table__
    db.session.execute(table.update().where(table.c.id == bindparam("key")).values(
        received_fen=bindparam("r"), allocated_fen=bindparam("a"), spent_fen=bindparam("s")),
        [{"key": s.id, "r": s.received_fen, "a": s.allocated_fen, "s": s.spent_fen} for s in plan.sources])
    table = Project.__table__
    db.session.execute(table.update().where(table.c.id == bindparam("key")).values(
        allocated_fen=bindparam("a"), spent_fen=bindparam("s")),
        [{"key": p.id, "a": p.allocated_fen, "s": p.spent_fen} for p in plan.projects if p.allocated_fen])
    table = Allocation.__table__
    db.session.execute(table.update().where(table.c.id == bindparam("key")).values(
        amount_fen=bindparam("amount"), spent_fen=bindparam("s"), last_payment_on=bindparam("d")),
        [{"key": a.id, "amount": a.amount_fen, "s": a.spent_fen, "d": a.last_payment_on} for a in plan.allocations
         if a.spent_fen or a.last_payment_on or a.withdrawn_fen])


def _messy_name(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.12 and len(name) > 4:
        return name[:2] + " " + name[2:4] + "  " + name[4:]
    if roll < 0.16:
        return name.replace("（示例）", "")
    return name


def _messy_amount(rng: random.Random, fen: int) -> str:
    text_amount = f"{fen // 100:,}.{fen % 100:02d}"
    return text_amount.translate(FULL_WIDTH) if rng.random() < 0.03 else text_amount


def statement_rows(payments: list[dict], rng: random.Random, limit: int) -> list[list[str]]:
    """The newest payments of the county account as bank lines, with fees and late bookings mixed in."""
    chosen = sorted(payments, key=lambda row: row["paid_on"])[-int(limit * 0.98):]
    rows = []
    for payment in chosen:
        day = payment["paid_on"] + timedelta(days=rng.choice((0, 0, 0, 0, 0, 0, 0, 1, 2, 3)))
        reference = payment["voucher_no"]
        roll = rng.random()
        if roll < 0.10:
            reference = ""
        elif roll < 0.15:
            reference = reference.translate(FULL_WIDTH)
        amount = abs(payment["amount_fen"])
        debit, credit = (_messy_amount(rng, amount), "") if payment["amount_fen"] > 0 else ("", _messy_amount(rng, amount))
        rows.append([day.isoformat(), debit, credit, reference, _messy_name(rng, payment["payee"]),
                     f"6228 4801 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}", "工程款支付"])
    first = chosen[0]["paid_on"] if chosen else date(2020, 1, 1)
    days = (chosen[-1]["paid_on"] - first).days if chosen else 365
    while len(rows) < limit:  # bank fees: no payment will ever explain them
        day = first + timedelta(days=rng.randint(0, days))
        rows.append([day.isoformat(), _messy_amount(rng, rng.randint(500, 5000)), "", "", "中国农业银行双牌县支行（示例）",
                     "", "手续费"])
    rows.sort(key=lambda row: row[0])
    return rows


def write_statement(path: Path, payments: list[dict], rng: random.Random, limit: int) -> int:
    """Write the county account's statement (GB18030 CSV) to `path`; return the number of lines."""
    rows = statement_rows(payments, rng, limit)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["账号：4301 2601 0400 0000 1234（示例）"])
    writer.writerow(["户名：双牌县财政局整合资金专户（示例）"])
    writer.writerow(["交易日期", "支出金额", "收入金额", "凭证号", "对方户名", "对方账号", "摘要"])
    writer.writerows(rows)
    writer.writerow(["合计", "", "", "", "", "", ""])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue().encode("gb18030"))
    return len(rows)


@click.command("gen-data")
@click.option("--projects", default=5000, show_default=True, help="Number of projects.")
@click.option("--payments", default=500_000, show_default=True, help="Number of payment rows (reversals included).")
@click.option("--seed", default=1, show_default=True, help="Seed: the same seed gives the same county.")
@click.option("--sources", default=40, show_default=True, help="Number of fund sources.")
@click.option("--today", default="2026-06-30", show_default=True, help="Date the county is built up to (YYYY-MM-DD).")
@click.option("--statement", "statement_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the county account's bank statement (GB18030 CSV) here.")
@click.option("--statement-lines", default=100_000, show_default=True, help="Lines in the statement file.")
@with_appcontext
def gen_data_command(projects, payments, seed, sources, today, statement_path, statement_lines):
    """Fill an empty database with a synthetic county (illustrative data), deterministically from --seed."""
    started = datetime.now()
    try:
        counts = generate_county(projects=projects, payments=payments, seed=seed, sources=sources,
                                 today=date.fromisoformat(today), statement_path=statement_path,
                                 statement_lines=statement_lines, echo=click.echo)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if db.engine.dialect.name == "postgresql":
        # Statistics for the planner now, rather than whenever autovacuum gets to half a million new rows.
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    seconds = (datetime.now() - started).total_seconds()
    click.echo(", ".join(f"{key}: {value}" for key, value in counts.items()) + f" in {seconds:.1f} s")

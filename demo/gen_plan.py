"""A synthetic county as plain rows, decided by one `random.Random(seed)`: the plan `gen-data` writes.

Plain Python, no database: `plan_county` returns sources, projects, milestones, allocations and
their balances; `plan_payments` then yields payment rows allocation by allocation (so half a
million of them never sit in memory at once) while adding each one to the balances it moves.
Every balance is therefore the exact sum of the rows written, which is what tests/invariants.py
checks. Amounts, names, villages and contractors are illustrative.
"""
from __future__ import annotations

import bisect
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Optional

from demo.data import FUND_RULES
from projects.accrual import accrual_starts
from projects.progress import weighted_progress_bp

CATEGORY_WEIGHTS = {"road": 30, "bridge": 8, "telecom": 12, "community_building": 6, "village_platform": 14,
                    "grid_management": 4, "information_system": 4, "water": 16, "other": 6}
SCALE_UNITS = {"road": "km", "bridge": "m", "telecom": "户", "community_building": "m²", "village_platform": "m²",
               "water": "km"}
CHANNEL_PLAN = [("fiscal", "county", "县财政资金"), ("fiscal", "provincial", "省级财政补助"),
                ("poverty_relief", "central", "中央财政扶贫资金"), ("work_for_relief", "central", "以工代赈资金"),
                ("agricultural_development", "provincial", "农业综合开发资金"),
                ("land_consolidation", "provincial", "土地整理资金"), ("special_transport", "city", "交通专项资金"),
                ("loan", "other", "银行贷款"), ("social_capital", "other", "社会资本"), ("other", "county", "其他资金")]
# Categories a channel's rules allow (taken from the demo's eligible_categories rules).
ELIGIBLE = {channel: set(params["categories"]) for kind, channel, params, _ in FUND_RULES
            if kind == "eligible_categories"}
COST_WEIGHTS = {"wages": 22, "materials": 44, "equipment": 20, "management_fee": 1, "other": 13}
RELIEF_COST_WEIGHTS = {"wages": 38, "materials": 36, "equipment": 14, "management_fee": 1, "other": 11}
CONTRACTORS = ["永州{}路桥建设有限公司（示例）", "湖南{}建设工程有限公司（示例）", "双牌县{}水利水电工程公司（示例）",
               "永州{}通信工程有限公司（示例）", "双牌县{}建筑劳务队（示例）", "湖南{}信息技术有限公司（示例）"]
NAME_SYLLABLES = "安宝长成春德东丰福高和华吉江金康乐林龙茂明宁平庆瑞山盛顺泰天同旺祥新兴阳永裕志"
VILLAGE_ENDINGS = ["村", "村", "村", "坪村", "冲村", "源村", "社区"]
MILESTONE_NAMES = ["立项批复", "勘察设计", "招标采购", "开工准备", "基础工程", "主体施工", "设备安装", "配套工程",
                   "附属设施", "中间验收", "收尾工程", "竣工验收", "审计决算", "资料归档", "移交使用"]


@dataclass
class SourcePlan:
    id: int
    code: str
    name: str
    channel: str
    level: str
    fiscal_year: int
    received_fen: int = 0
    allocated_fen: int = 0
    spent_fen: int = 0


@dataclass
class ProjectPlan:
    id: int
    code: str
    name: str
    category: str
    area_id: int
    budget_fen: int
    planned_start: date
    planned_end: date
    status: str
    contractor: str
    scale: Optional[tuple[float, str]] = None
    actual_start: Optional[date] = None
    actual_end: Optional[date] = None
    progress_bp: Optional[int] = None
    allocated_fen: int = 0
    spent_fen: int = 0
    milestone_dates: list[date] = field(default_factory=list)
    milestone_ids: list[int] = field(default_factory=list)


@dataclass
class AllocationPlan:
    id: int
    source: SourcePlan
    project: ProjectPlan
    amount_fen: int
    entry_date: date
    payments: int = 0
    spent_fen: int = 0
    last_payment_on: Optional[date] = None
    by_category: dict[str, int] = field(default_factory=dict)
    withdrawn_fen: int = 0  # the unspent rest taken back when the project's accounts were closed


@dataclass
class CountyPlan:
    """Everything but the payments, with ids already given (the first free id of each table)."""

    sources: list[SourcePlan]
    projects: list[ProjectPlan]
    milestones: list[dict]
    progress_updates: list[dict]
    allocations: list[AllocationPlan]
    today: date


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` fen split into `parts` positive random amounts that add up exactly (parts <= total)."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    amounts = [1 + int(weight * scale) for weight in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def village_names(rng: random.Random, count: int) -> list[str]:
    """Illustrative village names, all different."""
    names: set[str] = set()
    while len(names) < count:
        names.add(rng.choice(NAME_SYLLABLES) + rng.choice(NAME_SYLLABLES) + rng.choice(VILLAGE_ENDINGS))
    return sorted(names)


def plan_sources(rng: random.Random, count: int, first_id: int, today: date) -> list[SourcePlan]:
    """Source 0 is the county's integrated account that funds most projects; the rest cycle the channels."""
    sources = [SourcePlan(first_id, "G-FIS-ZH", "县财政整合资金专户（示例）", "fiscal", "county", today.year - 1)]
    for number in range(1, count):
        channel, level, label = CHANNEL_PLAN[number % len(CHANNEL_PLAN)]
        year = today.year - 1 - rng.randint(0, 9)
        sources.append(SourcePlan(first_id + number, f"G-{channel[:3].upper()}-{year}-{number:03d}",
                                  f"{year}年{label}（示例）第{number}批", channel, level, year))
    return sources


def _status(rng: random.Random, start: date, end: date, today: date) -> str:
    if start > today:
        return rng.choice(("proposed", "approved"))
    roll = rng.random()
    if roll < 0.01:
        return "cancelled"
    if roll < 0.03:
        return "suspended"
    if end < today - timedelta(days=120):
        return "accepted" if rng.random() < 0.6 else "completed"
    return "in_progress"


def plan_project(rng: random.Random, number: int, project_id: int, area_ids: list[int], today: date) -> ProjectPlan:
    """One project with dates spread over the ten years before `today` (a few planned ahead)."""
    category = _weighted(rng, CATEGORY_WEIGHTS)
    start = _day_between(rng, date(today.year - 10, 1, 1), today + timedelta(days=180))
    end = start + timedelta(days=rng.randint(120, 1000))
    budget_wan = rng.choice((20, 50, 80, 120, 200, 350, 500, 800, 1500, 3000)) * rng.uniform(0.6, 1.4)
    status = _status(rng, start, end, today)
    contractor = rng.choice(CONTRACTORS).format(rng.choice(NAME_SYLLABLES) + rng.choice(NAME_SYLLABLES))
    unit = SCALE_UNITS.get(category)
    scale = (round(rng.uniform(1, 40), 1), unit) if unit else None
    return ProjectPlan(project_id, f"G{start.year}-{number:05d}", f"{category}项目{number:05d}（示例）",
                       category, rng.choice(area_ids), int(budget_wan * 1_000_000), start, end, status,
                       contractor, scale)


def plan_milestones(rng: random.Random, project: ProjectPlan, first_id: int, today: date,
                    progress_updates: list[dict]) -> list[dict]:
    """5-15 milestones evenly spaced over the project, costs adding up to the budget, progress by date."""
    count = rng.randint(5, 15)
    costs = _split(rng, project.budget_fen, count)
    span = (project.planned_end - project.planned_start).days
    started = project.status not in ("proposed", "approved")
    finished = project.status in ("completed", "accepted")
    lagging = started and not finished and rng.random() < 0.25  # some projects run late
    rows, pairs = [], []
    for index in range(count):
        planned = project.planned_start + timedelta(days=span * (index + 1) // count)
        if finished or (started and planned <= today and not (lagging and index >= count // 2)):
            progress = 100
        elif started and (planned <= today or (index and rows[-1]["progress_pct"] == 100)):
            progress = rng.choice((0, 10, 30, 50, 70, 90))
        else:
            progress = 0
        actual = min(today, planned + timedelta(days=rng.randint(-10, 40))) if progress == 100 else None
        milestone_id = first_id + index
        rows.append({"id": milestone_id, "project_id": project.id, "sequence": index + 1,
                     "name": MILESTONE_NAMES[index], "planned_date": planned, "planned_cost_fen": costs[index],
                     "progress_pct": progress, "actual_date": actual, "note": ""})
        if progress:
            reported = actual or min(today, planned)
            progress_updates.append({"milestone_id": milestone_id, "reported_on": reported,
                                     "progress_pct": progress, "note": "", "at": datetime(*reported.timetuple()[:3], 12)})
        pairs.append((costs[index], progress))
    starts = accrual_starts(((row["id"], row["planned_date"]) for row in rows), project.planned_start)
    for row in rows:
        row["accrues_from"] = starts[row["id"]]
    project.progress_bp = weighted_progress_bp(pairs)
    project.milestone_dates = [row["planned_date"] for row in rows]
    project.milestone_ids = [row["id"] for row in rows]
    if started:
        project.actual_start = project.planned_start + timedelta(days=rng.randint(0, 20))
        if finished:
            project.actual_end = max(project.actual_start, max(row["actual_date"] for row in rows))
    return rows


def plan_allocations(rng: random.Random, project: ProjectPlan, sources: list[SourcePlan], first_id: int,
                     per_project: float) -> list[AllocationPlan]:
    """Several sources per project (the county account for most), 70-100% of the budget committed."""
    if project.status == "cancelled":
        return []
    allowed = [s for s in sources[1:] if project.category in ELIGIBLE.get(s.channel, {project.category})]
    others = max(1, min(len(allowed), round(rng.uniform(0.5, 1.5) * (per_project - 0.8))))
    chosen = ([sources[0]] if rng.random() < 0.8 else []) + rng.sample(allowed, others)
    committed = max(len(chosen), int(project.budget_fen * rng.uniform(0.7, 1.0)))
    allocations = []
    for offset, (source, amount) in enumerate(zip(chosen, _split(rng, committed, len(chosen)))):
        day = project.planned_start - timedelta(days=rng.randint(0, 60))
        allocations.append(AllocationPlan(first_id + offset, source, project, amount, day))
        source.allocated_fen += amount
        project.allocated_fen += amount
    return allocations


def plan_county(rng: random.Random, *, projects: int, sources: int, area_ids: list[int], first_ids: dict[str, int],
                today: date, allocations_per_project: float = 4.0) -> CountyPlan:
    """Sources, projects, milestones, progress reports and allocations (payments come after)."""
    source_rows = plan_sources(rng, sources, first_ids["fund_source"], today)
    project_rows, milestone_rows, updates, allocation_rows = [], [], [], []
    next_milestone, next_allocation = first_ids["milestone"], first_ids["allocation"]
    for number in range(1, projects + 1):
        project = plan_project(rng, number, first_ids["project"] + number - 1, area_ids, today)
        milestones = plan_milestones(rng, project, next_milestone, today, updates)
        next_milestone += len(milestones)
        allocated = plan_allocations(rng, project, source_rows, next_allocation, allocations_per_project)
        next_allocation += len(allocated)
        project_rows.append(project)
        milestone_rows += milestones
        allocation_rows += allocated
    return CountyPlan(source_rows, project_rows, milestone_rows, updates, allocation_rows, today)


def share_payments(rng: random.Random, plan: CountyPlan, total: int) -> None:
    """Give each allocation of a started project its number of payments, `total` in all."""
    payable = [a for a in plan.allocations if a.project.actual_start is not None]
    weights = [rng.uniform(0.5, 1.5) for _ in payable]
    scale = total / sum(weights) if payable else 0
    for allocation, weight in zip(payable, weights):
        allocation.payments = int(weight * scale)
    for allocation in rng.sample(payable, min(len(payable), total - sum(a.payments for a in payable))):
        allocation.payments += 1


def _payment_window(allocation: AllocationPlan, today: date) -> tuple[date, date]:
    project, start = allocation.project, allocation.project.actual_start
    assert start is not None  # share_payments gives payments to allocations of started projects only
    last = min(today, project.actual_end or today)
    return start, max(start, last)


def plan_payments(rng: random.Random, plan: CountyPlan, first_id: int) -> Iterator[dict]:
    """Payment rows (reversals about 0.3% of them, right after what they reverse), moving the balances.

    Each allocation spends a share of its amount that follows its project's progress; a few pay the
    same amount to the same payee twice on one day, as real ledgers do.
    """
    next_id = first_id
    vouchers = {source.id: 0 for source in plan.sources}
    for allocation in plan.allocations:
        count = allocation.payments
        if not count:
            continue
        project, source = allocation.project, allocation.source
        share = min(1.0, (project.progress_bp or 0) / 10000 * rng.uniform(0.85, 1.0) + 0.05)
        spend = max(count, int(allocation.amount_fen * share))
        first, last = _payment_window(allocation, plan.today)
        days = sorted(_day_between(rng, first, last) for _ in range(count))
        weights = RELIEF_COST_WEIGHTS if source.channel == "work_for_relief" else COST_WEIGHTS
        reversals = 0
        amounts = _split(rng, spend, count)
        for index, (day, amount) in enumerate(zip(days, amounts)):
            if index and rng.random() < 0.01 and amounts[index - 1] <= amount:
                # a second payment like the one before: same amount, payee and day (never more money)
                day, amount = days[index - 1], amounts[index - 1]
                amounts[index] = amount
            vouchers[source.id] += 1
            category = _weighted(rng, weights)
            payee = project.contractor.replace("（示例）", "劳务班组（示例）") if category == "wages" else project.contractor
            milestone = project.milestone_ids[min(len(project.milestone_ids) - 1,
                                                  bisect.bisect_left(project.milestone_dates, day))]
            row = {"id": next_id, "source_id": source.id, "project_id": project.id, "milestone_id": milestone,
                   "voucher_no": f"记-{day.year}-{vouchers[source.id]:07d}", "payee": payee, "paid_on": day,
                   "period": day.year * 100 + day.month, "amount_fen": amount, "cost_category": category,
                   "reversal_of_id": None, "reversal_reason": None, "created_at": datetime(day.year, day.month, day.day, 10)}
            next_id += 1
            yield row
            _move(allocation, amount, day, category)
            if rng.random() < 0.003 and index < count - 1 - reversals:
                vouchers[source.id] += 1
                reversed_on = min(last, day + timedelta(days=rng.randint(0, 20)))
                yield {**row, "id": next_id, "voucher_no": f"红冲-{reversed_on.year}-{vouchers[source.id]:07d}",
                       "paid_on": reversed_on, "period": reversed_on.year * 100 + reversed_on.month,
                       "amount_fen": -amount, "reversal_of_id": row["id"], "reversal_reason": "凭证填错，红字冲销（示例）",
                       "created_at": datetime(reversed_on.year, reversed_on.month, reversed_on.day, 15)}
                next_id += 1
                reversals += 1
                _move(allocation, -amount, None, category)
                # A reversal takes the place of one of the allocation's payments, so the total stays exact.
                days.pop()
                amounts.pop()
                count -= 1


def _move(allocation: AllocationPlan, amount: int, day: Optional[date], category: str) -> None:
    allocation.spent_fen += amount
    allocation.by_category[category] = allocation.by_category.get(category, 0) + amount
    allocation.source.spent_fen += amount
    allocation.project.spent_fen += amount
    if day is not None and (allocation.last_payment_on is None or day > allocation.last_payment_on):
        allocation.last_payment_on = day


def close_finished_allocations(rng: random.Random, plan: CountyPlan) -> None:
    """Take back most finished projects' unspent allocations, as a county does at final accounts (竣工决算)."""
    for allocation in plan.allocations:
        rest = allocation.amount_fen - allocation.spent_fen
        if allocation.project.actual_end is not None and rest > 0 and rng.random() < 0.9:
            allocation.withdrawn_fen = rest
            allocation.amount_fen -= rest
            allocation.source.allocated_fen -= rest
            allocation.project.allocated_fen -= rest


def plan_appropriations(rng: random.Random, sources: list[SourcePlan], first_id: int) -> list[dict]:
    """1-4 appropriations per source, received a little more than it allocated."""
    rows, next_id = [], first_id
    for source in sources:
        received = max(100_000_000, int(source.allocated_fen * rng.uniform(1.02, 1.2)))
        parts = rng.randint(1, 4)
        for number, amount in enumerate(_split(rng, received, parts), start=1):
            day = date(source.fiscal_year, rng.randint(1, 12), rng.randint(1, 28))
            rows.append({"id": next_id, "source_id": source.id, "document_no": f"双财预〔{source.fiscal_year}〕{number:03d}号",
                         "received_on": day, "amount_fen": amount, "note": "（示例）", "created_at": datetime(day.year, day.month, day.day, 9)})
            next_id += 1
        source.received_fen = received
    return rows

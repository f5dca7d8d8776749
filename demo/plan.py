"""Pure planning of the demo's milestones, allocations and payments from the data and a date.

Nothing here touches the database: every function takes plain values and returns plain values,
so the same `today` always gives the same plan (which is what makes the seed idempotent) and the
plan's promises (late, idle, below the wage floor) can be tested without the app.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Optional

FEN_PER_WAN = 1_000_000
ROUND_FEN = 10_000  # payments are whole hundreds of yuan
LATE_AFTER_DAYS = 60  # the stuck milestone is the last one due at least this long ago
DONE_PAID_PCT, RUNNING_PAID_PCT = 97, 90  # a finished project keeps a 3% quality retention
CONTRACTOR_CATEGORY = {"telecom": "equipment", "grid_management": "equipment",
                       "information_system": "equipment"}


@dataclass(frozen=True)
class MilestonePlan:
    """One milestone as it should stand on the seed date."""

    sequence: int
    name: str
    planned_date: date
    planned_cost_fen: int
    progress_pct: int
    actual_date: Optional[date]


@dataclass(frozen=True)
class AllocationPlan:
    """One allocation entry: a source commits money to a project on a date."""

    source_key: str
    amount_fen: int
    entry_date: date


@dataclass(frozen=True)
class PaymentPlan:
    """One payment (or, with `reverses` set, the reversal of the payment with that key)."""

    key: str
    source_key: str
    project_no: int
    sequence: int
    payee: str
    paid_on: date
    amount_fen: int
    cost_category: str
    reverses: Optional[str] = None
    reason: str = ""
    voucher_no: str = ""


def shift_months(day: date, months: int) -> date:
    """The same day of the month `months` away (clamped to the 28th so every month has it)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def milestone_dates(start: date, end: date, count: int) -> list[date]:
    """`count` evenly spaced dates after `start`, the last one on `end`."""
    span = (end - start).days
    return [start + timedelta(days=span * (i + 1) // count) for i in range(count)]


def split_cost(total_fen: int, weights: list[int]) -> list[int]:
    """Split `total_fen` by percentage weights; the last share takes the remainder."""
    shares = [total_fen * weight // 100 for weight in weights[:-1]]
    return shares + [total_fen - sum(shares)]


def _done_on(planned: date, index: int, today: date) -> date:
    """A plausible completion date near the planned one, never after yesterday."""
    return min(planned + timedelta(days=(index * 11) % 15 - 4), today - timedelta(days=1))


def _partial_pct(previous: date, planned: date, today: date) -> int:
    """Progress of the milestone under way: elapsed share of its window, in steps of 5, 5-90."""
    window = max((planned - previous).days, 1)
    elapsed = (today - previous).days * 100 // window
    return max(5, min(90, elapsed // 5 * 5))


def milestone_progress(status: str, start: date, dates: list[date], today: date,
                       late_pct: Optional[int]) -> list[tuple[int, Optional[date]]]:
    """(progress %, actual date) of each milestone, consistent with the status and the dates."""
    if status in ("proposed", "approved", "cancelled"):
        return [(0, None)] * len(dates)
    if status in ("completed", "accepted"):
        return [(100, _done_on(day, i, today)) for i, day in enumerate(dates)]
    overdue = [i for i, day in enumerate(dates) if day <= today - timedelta(days=LATE_AFTER_DAYS)]
    stuck = overdue[-1] if late_pct is not None and overdue else None
    result, previous, under_way = [], start, False
    for i, day in enumerate(dates):
        if stuck is not None and i >= stuck:
            result.append((late_pct if i == stuck else 0, None))
        elif day <= today:
            result.append((100, _done_on(day, i, today)))
        elif not under_way:
            result.append((_partial_pct(previous, day, today), None))
            under_way = True
        else:
            result.append((0, None))
        previous = day
    return result


def completion_day(milestones: Sequence[MilestonePlan]) -> date:
    """When a finished project was completed: the day its last milestone was done (milestone_progress
    dates every milestone of a finished project)."""
    done = [milestone.actual_date for milestone in milestones if milestone.actual_date is not None]
    if not done or len(done) != len(milestones):
        raise ValueError("a finished project's milestones are all done")
    return max(done)


def plan_milestones(spec: dict, template: list[tuple[str, int]], today: date) -> list[MilestonePlan]:
    """The milestones of a project spec, or none when its plan is not drawn up yet."""
    if spec.get("plan") is False:
        return []
    start, end = (shift_months(today, offset) for offset in spec["months"])
    dates = milestone_dates(start, end, len(template))
    costs = split_cost(spec["budget"] * FEN_PER_WAN, [weight for _, weight in template])
    progress = milestone_progress(spec["status"], start, dates, today, spec.get("late"))
    return [MilestonePlan(i + 1, name, dates[i], costs[i], *progress[i])
            for i, (name, _) in enumerate(template)]


def plan_allocations(spec: dict, today: date) -> list[AllocationPlan]:
    """The allocation entries of a project spec, oldest first."""
    entries = [AllocationPlan(key, wan * FEN_PER_WAN, shift_months(today, offset))
               for key, wan, offset in spec["funds"]]
    return sorted(entries, key=lambda entry: entry.entry_date)


def _payment_day(milestone: MilestonePlan, allocated_on: date, last_day: date, today: date) -> date:
    """When a milestone's work is paid: soon after it is done (or lately, for work under way),
    after the money was allocated and never after `last_day` (a finished project's completion)."""
    if milestone.actual_date is not None:
        day = milestone.actual_date + timedelta(days=10)
    else:
        day = min(milestone.planned_date, today - timedelta(days=20))
    return min(max(day, allocated_on + timedelta(days=5)), last_day)


def _last_payment_day(spec: dict, milestones: list[MilestonePlan], today: date) -> date:
    """A finished project pays nothing after its completion; any other pays nothing after yesterday."""
    if spec["status"] in ("completed", "accepted") and milestones:
        return completion_day(milestones)
    return today - timedelta(days=1)


def _round_down(fen: int) -> int:
    """`fen` rounded down to whole hundreds of yuan."""
    return fen // ROUND_FEN * ROUND_FEN


def spending_target(spec: dict, milestones: list[MilestonePlan], allocated_fen: int) -> int:
    """How much the project has spent: a share of its earned value, never more than allocated."""
    earned = sum(m.planned_cost_fen * m.progress_pct // 100 for m in milestones)
    default = DONE_PAID_PCT if spec["status"] in ("completed", "accepted") else RUNNING_PAID_PCT
    return min(allocated_fen, earned * spec.get("paid_pct", default) // 100)


def plan_payments(spec: dict, milestones: list[MilestonePlan], allocations: list[AllocationPlan],
                  today: date, wage_payee: str, wage_sources: set[str]) -> list[PaymentPlan]:
    """Payments of each source against the milestones with work done, split by earned value.

    Money from a work-for-relief source is paid partly as wages (`wage_pct`, default 35%) to the
    local workers and the rest to the contractor; other money goes to the contractor.
    """
    totals: dict[str, int] = defaultdict(int)
    first_entry: dict[str, date] = {}
    for entry in allocations:
        totals[entry.source_key] += entry.amount_fen
        first_entry.setdefault(entry.source_key, entry.entry_date)
    allocated = sum(totals.values())
    target = spending_target(spec, milestones, allocated)
    earned = {m.sequence: m.planned_cost_fen * m.progress_pct // 100 for m in milestones}
    earned_total = sum(earned.values())
    last_day = _last_payment_day(spec, milestones, today)
    payments: list[PaymentPlan] = []
    if target <= 0 or earned_total <= 0:
        return payments
    for key, total in totals.items():
        share = target * total // allocated
        for milestone in milestones:
            amount = _round_down(share * earned[milestone.sequence] // earned_total)
            if amount <= 0:
                continue
            day = _payment_day(milestone, first_entry[key], last_day, today)
            payments += _split_payment(spec, key, milestone.sequence, day, amount,
                                       wage_payee if key in wage_sources and not spec.get("payrolls") else None)
    return payments


def _split_payment(spec: dict, key: str, sequence: int, day: date, amount: int,
                   wage_payee: Optional[str]) -> list[PaymentPlan]:
    """One contractor payment, or for work-for-relief money a wage payment plus the rest."""
    base = f"P{spec['no']}-{key}-{sequence}"
    category = CONTRACTOR_CATEGORY.get(spec["category"], "materials")
    if wage_payee is None:
        return [PaymentPlan(base, key, spec["no"], sequence, spec["contractor"], day, amount, category)]
    wages = _round_down(amount * spec.get("wage_pct", 35) // 100)
    parts = [PaymentPlan(base + "-W", key, spec["no"], sequence, wage_payee, day, wages, "wages"),
             PaymentPlan(base, key, spec["no"], sequence, spec["contractor"], day, amount - wages, category)]
    return [part for part in parts if part.amount_fen > 0]


def plan_reversal(spec: dict, reversal: dict, today: date) -> list[PaymentPlan]:
    """A duplicated payment and its reversal, as described by the data's REVERSAL entry."""
    paid_on = today - timedelta(days=reversal["days_ago"])
    duplicate = PaymentPlan(f"DUP{spec['no']}", reversal["source"], spec["no"], reversal["sequence"],
                            spec["contractor"], paid_on, reversal["yuan"] * 100,
                            CONTRACTOR_CATEGORY.get(spec["category"], "materials"))
    undo = replace(duplicate, key=f"REV{spec['no']}", reverses=duplicate.key, reason=reversal["reason"],
                   paid_on=paid_on + timedelta(days=reversal["reversed_after_days"]),
                   amount_fen=-duplicate.amount_fen)
    return [duplicate, undo]


def number_vouchers(payments: list[PaymentPlan]) -> list[PaymentPlan]:
    """Sort by date and number each source's vouchers per year: 记-2026-0001, 记-2026-0002, ..."""
    ordered = sorted(payments, key=lambda p: (p.paid_on, p.project_no, p.sequence, p.key))
    counters: dict[tuple[str, int], int] = defaultdict(int)
    numbered = []
    for payment in ordered:
        counters[payment.source_key, payment.paid_on.year] += 1
        number = counters[payment.source_key, payment.paid_on.year]
        numbered.append(replace(payment, voucher_no=f"记-{payment.paid_on.year}-{number:04d}"))
    return numbered

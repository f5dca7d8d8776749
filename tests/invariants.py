"""Ledger invariants that must hold after every test, whatever the test did (tests that close months
through the service also check `unreconciled_closed_months`: a month is closed only once reconciled).
A statement line imported into a closed month is allowed only held apart (never matched or explained,
only while the month is closed), and a held line never counts as unreconciled.

Checked by the `app` fixture's teardown with plain SQL, independently of the services' own sums.
"""
from __future__ import annotations

from sqlalchemy import text

from extensions import db

CHECKS = {
    "source balance differs from its appropriations": """
        SELECT s.code FROM fund_source s
        LEFT JOIN (SELECT source_id, SUM(amount_fen) AS total FROM appropriation GROUP BY source_id) a
               ON a.source_id = s.id
        WHERE s.received_fen <> COALESCE(a.total, 0)""",
    "source allocated differs from its allocations": """
        SELECT s.code FROM fund_source s
        LEFT JOIN (SELECT source_id, SUM(amount_fen) AS total FROM allocation GROUP BY source_id) a
               ON a.source_id = s.id
        WHERE s.allocated_fen <> COALESCE(a.total, 0)""",
    "allocation differs from its entries": """
        SELECT al.id FROM allocation al
        LEFT JOIN (SELECT allocation_id, SUM(delta_fen) AS total FROM allocation_entry GROUP BY allocation_id) e
               ON e.allocation_id = al.id
        WHERE al.amount_fen <> COALESCE(e.total, 0) AND EXISTS (SELECT 1 FROM allocation_entry x WHERE x.allocation_id = al.id)""",
    "allocation spent differs from its payments": """
        SELECT al.id FROM allocation al
        LEFT JOIN (SELECT source_id, project_id, SUM(amount_fen) AS total FROM payment GROUP BY source_id, project_id) p
               ON p.source_id = al.source_id AND p.project_id = al.project_id
        WHERE al.spent_fen <> COALESCE(p.total, 0)""",
    "a paid payment request differs from its payment": """
        SELECT r.id FROM payment_request r JOIN payment p ON p.id = r.payment_id
        WHERE p.amount_fen <> r.amount_fen OR p.source_id <> r.source_id OR p.project_id <> r.project_id
           OR p.voucher_no <> r.voucher_no OR p.reversal_of_id IS NOT NULL""",
    "allocation spending by cost category differs from its payments": """
        SELECT CAST(al.id AS VARCHAR(20)) FROM allocation al
        JOIN (SELECT source_id, project_id, cost_category, SUM(amount_fen) AS total FROM payment
              GROUP BY source_id, project_id, cost_category) p
          ON p.source_id = al.source_id AND p.project_id = al.project_id
        LEFT JOIN allocation_category c ON c.allocation_id = al.id AND c.cost_category = p.cost_category
        WHERE COALESCE(c.spent_fen, 0) <> p.total
        UNION ALL
        SELECT CAST(c.allocation_id AS VARCHAR(20)) FROM allocation_category c JOIN allocation al ON al.id = c.allocation_id
        WHERE c.spent_fen <> 0 AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.source_id = al.source_id
              AND p.project_id = al.project_id AND p.cost_category = c.cost_category)""",
    "source month summary differs from its payments": """
        SELECT CAST(p.source_id AS VARCHAR(20)) FROM (
            SELECT source_id, period, SUM(CASE WHEN amount_fen > 0 THEN amount_fen ELSE 0 END) AS paid,
                   SUM(CASE WHEN amount_fen < 0 THEN amount_fen ELSE 0 END) AS reversed, COUNT(*) AS entries
            FROM payment GROUP BY source_id, period) p
        LEFT JOIN source_month m ON m.source_id = p.source_id AND m.period = p.period
        WHERE m.source_id IS NULL OR m.paid_fen <> p.paid OR m.reversed_fen <> p.reversed OR m.entries <> p.entries
        UNION ALL
        SELECT CAST(m.source_id AS VARCHAR(20)) FROM source_month m WHERE m.entries <> 0 AND NOT EXISTS (
            SELECT 1 FROM payment p WHERE p.source_id = m.source_id AND p.period = m.period)""",
    "source month's payments awaiting a statement line differ from a count": """
        SELECT CAST(m.source_id AS VARCHAR(20)) FROM source_month m WHERE m.awaiting <> (
            SELECT COUNT(*) FROM payment p WHERE p.source_id = m.source_id AND p.period = m.period
              AND NOT EXISTS (SELECT 1 FROM statement_line l WHERE l.payment_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM payment o WHERE (o.reversal_of_id = p.id OR o.id = p.reversal_of_id)
                              AND NOT EXISTS (SELECT 1 FROM statement_line k WHERE k.payment_id = o.id)))""",
    "source spent differs from its payments": """
        SELECT s.code FROM fund_source s
        LEFT JOIN (SELECT source_id, SUM(amount_fen) AS total FROM payment GROUP BY source_id) p ON p.source_id = s.id
        WHERE s.spent_fen <> COALESCE(p.total, 0)""",
    "overspent": """
        SELECT s.code FROM fund_source s WHERE s.allocated_fen > s.received_fen OR s.spent_fen > s.allocated_fen
        UNION ALL SELECT CAST(al.id AS VARCHAR(20)) FROM allocation al WHERE al.spent_fen > al.amount_fen""",
    "project totals differ from the ledger": """
        SELECT pr.code FROM project pr
        LEFT JOIN (SELECT project_id, SUM(amount_fen) AS allocated, SUM(spent_fen) AS spent FROM allocation
                   GROUP BY project_id) al ON al.project_id = pr.id
        WHERE pr.allocated_fen <> COALESCE(al.allocated, 0) OR pr.spent_fen <> COALESCE(al.spent, 0)""",
    "payment added to a closed month": """
        SELECT p.voucher_no FROM payment p JOIN month_close c
          ON c.source_id = p.source_id AND c.period = p.period AND c.reopened_at IS NULL
        WHERE p.created_at > c.closed_at""",
    "closed month changed after its closing (a line added, matched, explained or unmatched)": """
        SELECT CAST(c.source_id AS VARCHAR(20)) || '-' || CAST(c.period AS VARCHAR(20)) FROM month_close c
        WHERE c.reopened_at IS NULL AND (
          EXISTS (SELECT 1 FROM statement_line l JOIN statement_import i ON i.id = l.import_id
                  WHERE l.source_id = c.source_id AND l.period = c.period
                  AND ((i.imported_at > c.closed_at AND l.held_reason IS NULL)  -- a line held apart is allowed
                       OR l.matched_at > c.closed_at OR l.explained_at > c.closed_at))
          OR EXISTS (SELECT 1 FROM statement_line l JOIN audit_event e ON e.object_type = 'statement_line'
                     AND e.object_id = CAST(l.id AS VARCHAR(20))
                     WHERE l.source_id = c.source_id AND l.period = c.period AND e.at > c.closed_at
                     AND e.action IN ('statement.unmatch', 'statement.unexplain') AND e.outcome = 'ok'))""",
    "statement line held apart outside a closed month, or held and settled": """
        SELECT CAST(l.id AS VARCHAR(20)) FROM statement_line l
        WHERE l.held_reason IS NOT NULL AND (l.payment_id IS NOT NULL OR l.explanation IS NOT NULL
              OR NOT EXISTS (SELECT 1 FROM month_close c WHERE c.source_id = l.source_id AND c.period = l.period
                             AND c.reopened_at IS NULL))""",
    "reversal does not mirror its payment": """
        SELECT r.voucher_no FROM payment r JOIN payment o ON r.reversal_of_id = o.id
        WHERE r.amount_fen <> -o.amount_fen OR r.source_id <> o.source_id OR r.project_id <> o.project_id""",
    "contract value differs from its original value and variations": """
        SELECT c.contract_no FROM contract c
        LEFT JOIN (SELECT contract_id, SUM(delta_fen) AS total, COUNT(*) AS n FROM contract_variation
                   GROUP BY contract_id) v ON v.contract_id = c.id
        WHERE c.value_fen <> c.original_value_fen + COALESCE(v.total, 0) OR c.variation_count <> COALESCE(v.n, 0)""",
    "contract variations do not chain value before to value after": """
        SELECT c.contract_no FROM contract_variation v JOIN contract c ON c.id = v.contract_id
        LEFT JOIN contract_variation p ON p.contract_id = v.contract_id AND p.sequence = v.sequence - 1
        WHERE v.value_before_fen <> COALESCE(p.value_after_fen, c.original_value_fen)""",
    "contract paid differs from the payments under it": """
        SELECT c.contract_no FROM contract c
        LEFT JOIN (SELECT contract_id, SUM(amount_fen) AS total FROM payment WHERE contract_id IS NOT NULL
                   GROUP BY contract_id) p ON p.contract_id = c.id
        WHERE c.paid_fen <> COALESCE(p.total, 0)""",
    "contract retention released without a standing release payment, or held with one": """
        SELECT c.contract_no FROM contract c
        WHERE c.retention_released <> EXISTS (
            SELECT 1 FROM payment p WHERE p.contract_id = c.id AND p.retention_release AND p.amount_fen > 0
            AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.reversal_of_id = p.id))""",
    "retention released before the works were completed": """
        SELECT c.contract_no FROM payment p JOIN contract c ON c.id = p.contract_id
        JOIN project j ON j.id = p.project_id
        WHERE p.retention_release AND p.amount_fen > 0 AND (j.actual_end IS NULL OR p.paid_on < j.actual_end)""",
    "payroll total or line count differs from its lines": """
        SELECT r.id FROM payroll r
        LEFT JOIN (SELECT payroll_id, SUM(amount_fen) AS total, COUNT(*) AS n FROM payroll_line
                   GROUP BY payroll_id) l ON l.payroll_id = r.id
        WHERE r.total_fen <> COALESCE(l.total, 0) OR r.line_count <> COALESCE(l.n, 0)""",
    "posted payroll not paid by one wages payment of its total, from its source, on its project": """
        SELECT r.id FROM payroll r LEFT JOIN payment p ON p.id = r.payment_id
        WHERE r.status = 'posted' AND (p.id IS NULL OR p.amount_fen <> r.total_fen OR p.cost_category <> 'wages'
              OR p.source_id <> r.source_id OR p.project_id <> r.project_id OR p.milestone_id <> r.milestone_id)""",
}


def broken_invariants() -> dict[str, list]:
    """Each invariant that fails, with a few offending keys; empty when the ledger is consistent.

    Besides the SQL checks above: the figures kept in step (the standing fund-rule breaches) equal a
    full recomputation from the ledger."""
    from funds.rules.standing import full_recomputation_differs

    failures = {}
    for name, sql in CHECKS.items():
        rows = db.session.execute(text(sql)).scalars().all()
        if rows:
            failures[name] = rows[:5]
    breaches = full_recomputation_differs()
    if breaches:
        failures["standing breaches differ from a full recomputation"] = [breaches]
    accruals = accrual_starts_differ()
    if accruals:
        failures["milestone accrual starts differ from the plan"] = accruals
    return failures


def accrual_starts_differ() -> list[int]:
    """Milestones whose kept accrual start is not what projects.accrual computes from the plan."""
    from projects.accrual import accrual_starts

    starts = dict(db.session.execute(text("SELECT id, planned_start FROM project")).all())
    milestones: dict[int, list] = {}
    for row in db.session.execute(text("SELECT id, project_id, planned_date, accrues_from FROM milestone")):
        milestones.setdefault(row.project_id, []).append(row)
    wrong = []
    for project_id, rows in milestones.items():
        expected = accrual_starts(((row.id, _day(row.planned_date)) for row in rows), _day(starts[project_id]))
        wrong += [row.id for row in rows if _day(row.accrues_from) != expected[row.id]]
    return wrong[:5]


def _day(value):
    """A date column as a date (SQLite's text SQL returns it as text)."""
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) else value


UNRECONCILED_CLOSED_MONTHS = """
    SELECT CAST(c.source_id AS VARCHAR(20)) || '-' || CAST(c.period AS VARCHAR(20)) FROM month_close c
    WHERE c.reopened_at IS NULL AND (
      EXISTS (SELECT 1 FROM statement_line l WHERE l.source_id = c.source_id AND l.period = c.period
              AND l.payment_id IS NULL AND l.explanation IS NULL AND l.held_reason IS NULL)
      OR EXISTS (SELECT 1 FROM payment p WHERE p.source_id = c.source_id AND p.period = c.period
                 AND NOT EXISTS (SELECT 1 FROM statement_line l WHERE l.payment_id = p.id)
                 AND NOT EXISTS (SELECT 1 FROM payment o WHERE (o.reversal_of_id = p.id OR o.id = p.reversal_of_id)
                                 AND NOT EXISTS (SELECT 1 FROM statement_line l WHERE l.payment_id = o.id))))"""


def unreconciled_closed_months() -> list[str]:
    """source-period of each closed month holding a payment or statement line nobody reconciled."""
    return db.session.execute(text(UNRECONCILED_CLOSED_MONTHS)).scalars().all()

"""The finance ledger as the planning pages see it (implements projects.money.ProjectMoney)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, select

from extensions import db
from funds.models import COST_CATEGORIES, Allocation, FundSource, Payment
from funds.planned.services import planned_lines
from funds.rules import standing
from funds.rules.checks import Scope
from funds.rules.evaluate import Breach
from projects.money import FundingLine, PaymentLine, PlannedLine


class LedgerForProjects:
    """Reads of allocations and payments by project."""

    def funding_by_source(self, project_id: int) -> list[FundingLine]:
        """Allocated, spent and remaining per source, largest allocation first."""
        rows = db.session.execute(
            select(FundSource.id, FundSource.code, FundSource.name, FundSource.channel,
                   Allocation.amount_fen, Allocation.spent_fen)
            .join(Allocation, Allocation.source_id == FundSource.id)
            .where(Allocation.project_id == project_id)
            .order_by(Allocation.amount_fen.desc(), FundSource.code)).all()
        return [FundingLine(*row) for row in rows]

    def payments_by_milestone(self, project_id: int) -> dict[int, list[PaymentLine]]:
        """Every payment and reversal of the project, grouped by milestone."""
        rows = db.session.execute(
            select(Payment.id, Payment.milestone_id, Payment.voucher_no, Payment.paid_on, Payment.payee,
                   FundSource.code, Payment.amount_fen, Payment.cost_category, Payment.reversal_of_id)
            .join(FundSource, Payment.source_id == FundSource.id)
            .where(Payment.project_id == project_id)
            .order_by(Payment.paid_on, Payment.id)).all()
        grouped: dict[int, list[PaymentLine]] = defaultdict(list)
        for row in rows:
            grouped[row[1]].append(PaymentLine(*row, category_label=COST_CATEGORIES.get(row[7], row[7])))
        return dict(grouped)

    def planned_funding(self, project_ids: Sequence[int]) -> dict[int, list[PlannedLine]]:
        """The library entries' planned funding beside the allocations (funds.planned.services)."""
        return planned_lines(project_ids)

    def projects_funded_by(self, source_id: int) -> Select:
        """Ids of projects with an allocation from the source."""
        return select(Allocation.project_id).where(Allocation.source_id == source_id)

    def source_choices(self) -> list[tuple[int, str]]:
        """Every source as (id, 'CODE name'), newest fiscal year first."""
        rows = db.session.execute(select(FundSource.id, FundSource.code, FundSource.name)
                                  .order_by(FundSource.fiscal_year.desc(), FundSource.code)).all()
        return [(row.id, f"{row.code} {row.name}") for row in rows]

    def lock_for_project_change(self, project_id: int) -> None:
        """Hold the locks of the sources funding the project (funds.rules.standing)."""
        standing.lock_sources_of_project(project_id)

    def project_changed(self, project_id: int) -> None:
        """Check the project's allocations again (its facts the rules read may have changed)."""
        standing.recheck(Scope(project_id=project_id))

    def breaches(self, project_id: int) -> list[Breach]:
        """The fund-rule breaches of the project's money as of today, from every source."""
        return standing.check_run_on(date.today(), Scope(project_id=project_id)).breaches

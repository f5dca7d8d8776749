"""`seed-demo` loads a true-to-life county once, with every case later screens must show."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assets.models import Asset
from assets.overdue import check_context
from audit.services import verify_database
from auth.models import User
from extensions import db
from funds.models import Allocation, AllocationEntry, Appropriation, FundSource, Payment
from projects.models import Area, Milestone, Project
from tests.conftest import DEMO_DAY

TODAY = DEMO_DAY
TABLES = (User, Area, Project, Milestone, FundSource, Appropriation, Allocation, Payment, Asset)


def _counts():
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}


pytestmark = pytest.mark.demo


@pytest.fixture
def seeded(app):
    """The demo county as of TODAY (seeded once per run: tests/conftest.py's demo_template)."""
    return app


@pytest.mark.parametrize("again", ["2026-11-27", "2026-12-03", "2027-02-01"])
def test_seed_is_idempotent(seeded, runner, again):
    """Running seed-demo again (from the CLI, the same day, days or a year later) adds nothing."""
    before = _counts()
    result = runner.invoke(args=["seed-demo", "--today", again])
    assert result.exit_code == 0, result.output
    assert _counts() == before
    assert "admin / (existing account, password unchanged)" in result.output
    assert "jiangcun / (existing account, password unchanged) (planning office, township JC only)" in result.output


def test_real_areas_and_facts(seeded):
    """The county's six towns and five townships and the named buildings and platform are there."""
    names = set(db.session.scalars(select(Area.name_zh).where(Area.parent_id.is_(None))))
    assert names == {"泷泊镇", "江村镇", "五里牌镇", "茶林镇", "何家洞镇", "麻江镇",
                     "塘底乡", "上梧江瑶族乡", "理家坪乡", "五星岭乡", "打鼓坪乡"}
    projects = db.session.scalars(select(Project)).all()
    assert len(projects) >= 30
    assert {p.category for p in projects} >= {"road", "bridge", "telecom", "community_building", "village_platform",
                                               "grid_management", "information_system", "water"}
    by_name = {p.name: p for p in projects}
    yangming = next(p for name, p in by_name.items() if "阳明社区" in name)
    linfeng = next(p for name, p in by_name.items() if "林峰社区" in name)
    assert (int(yangming.scale_quantity), int(linfeng.scale_quantity)) == (1200, 1100)
    platform = max((p for name, p in by_name.items() if "智慧双牌" in name), key=lambda p: p.budget_fen)
    assert platform.category == "information_system" and platform.budget_fen > 60_000_000 * 100
    channels = set(db.session.scalars(select(FundSource.channel)))
    assert channels >= {"fiscal", "poverty_relief", "work_for_relief", "agricultural_development", "land_consolidation"}


def test_demo_accounts_sign_in(seeded, auth):
    """One account per role signs in with the printed demo password."""
    for role in ("admin", "planner", "finance", "leader", "auditor"):
        assert auth.login(role, "Liandong-Demo-2026").status_code == 302, role
        auth.logout()


def test_late_milestone_exists(seeded):
    """At least one unfinished milestone of a project in progress is past its planned date."""
    late = db.session.scalar(select(func.count(Milestone.id)).join(Project).where(
        Project.status == "in_progress", Milestone.planned_date < TODAY - timedelta(days=14),
        Milestone.progress_pct < 100))
    assert late >= 1


def test_idle_allocation_exists(seeded):
    """Some allocation over 500,000 yuan unspent, made over a year ago, has seen no payment for a year."""
    year_ago = TODAY - timedelta(days=366)
    last_entry = (select(AllocationEntry.allocation_id, func.max(AllocationEntry.entry_date).label("day"))
                  .group_by(AllocationEntry.allocation_id).subquery())
    idle = db.session.scalars(select(Allocation).join(last_entry, last_entry.c.allocation_id == Allocation.id).where(
        Allocation.amount_fen - Allocation.spent_fen > 50_000_000, last_entry.c.day < year_ago,
        (Allocation.last_payment_on.is_(None)) | (Allocation.last_payment_on < year_ago))).all()
    assert idle, "no idle allocation in the demo"


def test_work_for_relief_project_below_wage_floor(seeded):
    """Some project's work-for-relief spending is less than 30% wages."""
    rows = db.session.execute(select(
        Payment.project_id,
        func.sum(Payment.amount_fen),
        func.sum(Payment.amount_fen).filter(Payment.cost_category == "wages"))
        .join(FundSource, Payment.source_id == FundSource.id)
        .where(FundSource.channel == "work_for_relief").group_by(Payment.project_id)).all()
    shares = [int(wages or 0) * 100 / int(total) for _project, total, wages in rows if total]
    assert any(share < 30 for share in shares) and any(share >= 30 for share in shares)


def test_reversal_and_unfunded_project_exist(seeded):
    """A reversed payment and a project without any allocation are part of the demo."""
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.reversal_of_id.is_not(None))) >= 1
    unfunded = select(Project.id).where(~Project.id.in_(select(Allocation.project_id)))
    assert db.session.scalars(unfunded).first() is not None


def test_balances_equal_the_ledger_sums(seeded):
    """Every kept balance equals the sum of the entries behind it, computed independently."""
    for source in db.session.scalars(select(FundSource)):
        received = db.session.scalar(select(func.coalesce(func.sum(Appropriation.amount_fen), 0))
                                     .where(Appropriation.source_id == source.id))
        allocated = db.session.scalar(select(func.coalesce(func.sum(Allocation.amount_fen), 0))
                                      .where(Allocation.source_id == source.id))
        spent = db.session.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0))
                                  .where(Payment.source_id == source.id))
        assert (source.received_fen, source.allocated_fen, source.spent_fen) == (received, allocated, spent)
        assert source.spent_fen <= source.allocated_fen <= source.received_fen
    for allocation in db.session.scalars(select(Allocation)):
        spent = db.session.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
            Payment.source_id == allocation.source_id, Payment.project_id == allocation.project_id))
        assert allocation.spent_fen == spent <= allocation.amount_fen
    assert verify_database().ok


def test_demo_assets_handed_over_and_one_overdue(seeded):
    """Two accepted projects' assets are handed over (owner, custodian, value = what they spent); the grid
    platform's asset is still a draft, so the check asset_not_handed_over names it and only it."""
    rows = db.session.execute(select(Asset, Project).join(Project, Asset.project_id == Project.id)).all()
    handed = {project.code for asset, project in rows if asset.handed_over}
    assert handed == {"SP-2026-005", "SP-2026-016"}
    assert all(asset.value_fen == project.spent_fen > 0 and (asset.custodian or not asset.handed_over)
               for asset, project in rows)
    assert [row.code for row in check_context(TODAY)["overdue"]] == ["SP-2026-024"]


def test_demo_statement_is_reconciled_and_a_month_closed(seeded):
    """The fiscal account's statement is matched, its fee explained, its oldest month closed, one payment left."""
    from funds.ledger.services import unreconciled_counts
    from funds.models import MonthClose, StatementLine

    lines = db.session.scalars(select(StatementLine)).all()
    assert len(lines) > 10
    assert sum(line.payment_id is not None for line in lines) == len(lines) - 2
    assert {line.explanation for line in lines if line.explanation} == {"银行手续费", "上级拨款到账"}
    closing = db.session.scalar(select(MonthClose))
    assert closing is not None and unreconciled_counts(closing.source_id, closing.period) == (0, 0)
    assert unreconciled_counts(closing.source_id, 202610) == (1, 0)


def test_demo_payment_requests_in_every_state(seeded):
    """Requests waiting, approved and rejected under the demo's contracts, and the road's four payrolls
    approved, decided by the finance lead, not their preparer; every request over 10,000 yuan carries its
    supporting document; the approved one is paid."""
    from documents.requirements import missing
    from funds.requests.models import PaymentRequest

    every = db.session.scalars(select(PaymentRequest).order_by(PaymentRequest.voucher_no)).all()
    payrolls = [item for item in every if item.cost_category == "wages"]  # the road's payrolls, approved
    assert len(payrolls) == 4 and {item.state for item in payrolls} == {"approved"}
    requests = [item for item in every if item.cost_category != "wages"]
    assert {item.state for item in requests} == {"approved", "rejected", "waiting"}
    assert all(item.contract_id is not None for item in requests)
    lead = db.session.scalar(select(User).where(User.username == "finance_lead"))
    assert lead is not None and lead.can_approve
    decided = [item for item in every if item.state != "waiting"]
    assert all(item.decided_by_id == lead.id != item.prepared_by_id for item in decided)
    assert all(not missing("payment_request.approve", "payment_request", item.id, item.amount_fen) for item in every)
    approved = next(item for item in requests if item.state == "approved")
    assert approved.payment is not None and approved.payment.contract_id == approved.contract_id


def test_library_entries_plan_their_funding_and_proposals_disclose_it(seeded):
    """Every unfinished project with funds plans them by source, at least what each source allocated and
    never more than its budget; a proposal, allocated nothing yet, shows its plan on its notice."""
    from disclosure.models import Notice
    from funds.planned.models import PlannedFunding

    planned = db.session.execute(select(PlannedFunding.project_id, PlannedFunding.source_id,
                                        PlannedFunding.amount_fen)).all()
    assert planned
    by_project: dict[int, int] = {}
    for project_id, source_id, amount in planned:
        by_project[project_id] = by_project.get(project_id, 0) + amount
        allocated = db.session.scalar(select(Allocation.amount_fen).where(
            Allocation.project_id == project_id, Allocation.source_id == source_id)) or 0
        assert amount >= allocated
    for project_id, total in by_project.items():
        assert total <= db.session.get_one(Project, project_id).budget_fen
    proposals = [p for p in db.session.scalars(select(Project).where(Project.status == "proposed"))
                 if p.id in by_project]
    assert proposals
    notice = db.session.scalar(select(Notice).where(Notice.project_id == proposals[0].id))
    assert notice is not None and notice.snapshot["funding"] and all(
        line["amount_fen"] > 0 for line in notice.snapshot["funding"])


def unnamed_field_keys() -> tuple[list[str], list[str]]:
    """The field keys (before/after) of every audit event stored now that have no name, and those whose
    Chinese name is still the English one (ASCII): both empty when the trail reads in both languages."""
    from flask_babel import force_locale

    from audit.models import AuditEvent
    from audit.vocabulary import vocabulary

    keys: set[str] = set()
    for before, after in db.session.execute(select(AuditEvent.before, AuditEvent.after)):
        keys |= set(before or {}) | set(after or {})
    names = vocabulary().fields
    with force_locale("zh_CN"):
        untranslated = sorted(key for key in keys & names.keys() if str(names[key]).isascii())
    return sorted(keys - names.keys()), untranslated


def test_every_field_key_the_demo_records_has_a_name_in_both_languages(seeded):
    """Every field the demo's audit events record (before and after) has a name, in Chinese too: no
    key reads as a bare code on the trail (as `password_changed` once did)."""
    from audit.models import AuditEvent

    recorded = {key for (after,) in db.session.execute(select(AuditEvent.after)) for key in (after or {})}
    assert {"amount_fen", "password_changed", "voucher_no"} <= recorded
    with seeded.test_request_context():
        assert unnamed_field_keys() == ([], [])


def test_most_demo_projects_have_a_position_inside_the_county(seeded):
    """Most demo projects are placed (illustratively) inside the county's box; a few are not, to show the map's count."""
    from projects.positions import position_problems
    from projects.services import county_box

    positions = db.session.execute(select(Project.code, Project.longitude, Project.latitude)).all()
    placed = [(lon, lat) for _code, lon, lat in positions if lon is not None]
    assert len(positions) * 3 // 4 <= len(placed) < len(positions)
    assert all(position_problems(lon, lat, county_box()) == {} for lon, lat in placed)

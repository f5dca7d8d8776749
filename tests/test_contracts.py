"""Contracts and variations: entered on a project, the current value kept in step with its variations,
the database refusing payments beyond the value or into the retention by any path, shown on the
project's and the contractor's pages, exported as CSV."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from audit.models import AuditEvent
from contracts.contract_services import ContractInput, add_variation, create_contract
from contracts.models import Contract, Contractor, ContractVariation
from contracts.services import ContractorInput, register_contractor
from core.errors import Refused
from extensions import db
from projects.models import Project
from tests import factories

EN = {"Accept-Language": "en"}
TODAY = date(2026, 6, 1)


def _setup():
    project = factories.make_project()
    first, second = factories.make_milestone(project), factories.make_milestone(project)
    other = factories.make_milestone(factories.make_project())
    contractor = register_contractor(ContractorInput(name="永州路桥建设有限公司", uscc="91350100M000100Y43"))
    db.session.commit()
    return project, (first, second, other), contractor


def _contract(project, contractor, milestones=(), **fields) -> Contract:
    values = dict(contract_no="SP-HT-001", project_id=project.id, contractor_id=contractor.id, subject="works",
                  method="public_tender", signed_on=date(2026, 2, 1), value_fen=100_000_000, retention_bp=300,
                  defects_liability_months=24, milestone_ids=[m.id for m in milestones])
    values.update(fields)
    return create_contract(ContractInput(**values), today=TODAY)


def test_enter_a_contract_on_the_page_and_see_it_on_project_and_contractor(app, client, auth):
    """A planner enters a contract covering two milestones; the project page and the contractor's page
    list it with value, paid, retained and outstanding; the entry is audited."""
    project, (first, second, _other), contractor = _setup()
    auth.as_role("planner")
    form = dict(contract_no="SP-HT-001", contractor_id=str(contractor.id), subject="works", method="public_tender",
                signed_on="2026-02-01", value_fen="100万", retention_pct="3", defects_liability_months="24",
                milestone_ids=[str(first.id), str(second.id)])
    response = client.post(f"/contracts/new?project={project.id}", data=form)
    assert response.status_code == 302, response.data.decode()[-2000:]
    contract = db.session.scalars(select(Contract)).one()
    assert (contract.value_fen, contract.retention_bp, contract.retained_fen, contract.outstanding_fen) == (
        100_000_000, 300, 3_000_000, 97_000_000)
    for url in (f"/projects/{project.id}", f"/contracts/contractors/{contractor.id}", f"/contracts/{contract.id}"):
        page = client.get(url, headers=EN).data.decode()
        assert "SP-HT-001" in page and "1,000,000.00" in page and "30,000.00" in page and "970,000.00" in page, url
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "contract")).all() == [
        "contract.create"]


def test_contract_refusals_name_their_fields(app):
    """A used number, another project's milestone, a contractor without credit code, a rate over 100%,
    a period ending before it starts: each refused naming its field."""
    project, (first, _second, other), contractor = _setup()
    _contract(project, contractor)
    db.session.add(Contractor(name="老承包单位", uscc=None))
    db.session.commit()
    legacy = db.session.scalars(select(Contractor).where(Contractor.name == "老承包单位")).one()
    cases = [(dict(), "contract_no"), (dict(contract_no="B", milestones=(first, other)), "milestone_ids"),
             (dict(contract_no="C", contractor=legacy), "contractor_id"), (dict(contract_no="D", retention_bp=10001),
                                                                          "retention_bp"),
             (dict(contract_no="E", starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1)), "ends_on"),
             (dict(contract_no="F", value_fen=0), "value_fen")]
    for fields, field in cases:
        chosen = fields.pop("contractor", contractor)
        milestones = fields.pop("milestones", ())
        with pytest.raises(Refused) as refused:
            _contract(project, chosen, milestones, **fields)
        assert field in refused.value.errors, (fields, refused.value.errors)
        db.session.rollback()


def test_variation_keeps_history_original_and_current(app, client, auth):
    """A variation with a reason moves the current value, keeps the value before and after, and the
    page shows original and current values; without a reason it is refused and nothing changes."""
    project, _milestones, contractor = _setup()
    contract = _contract(project, contractor)
    db.session.commit()
    auth.as_role("planner")
    page = client.post(f"/contracts/{contract.id}/variations", data=dict(
        direction="increase", amount_fen="5万", reason=" ", varied_on="2026-03-01"), headers=EN,
        follow_redirects=True).data.decode()
    assert "Reason" in page and db.session.scalars(select(ContractVariation)).all() == []
    client.post(f"/contracts/{contract.id}/variations", data=dict(
        direction="increase", amount_fen="5万", reason="增加排水沟 200 米", varied_on="2026-03-01"))
    client.post(f"/contracts/{contract.id}/variations", data=dict(
        direction="decrease", amount_fen="2万", reason="取消一处涵洞", varied_on="2026-04-01"))
    db.session.refresh(contract)
    assert (contract.original_value_fen, contract.value_fen, contract.variation_count) == (100_000_000, 103_000_000, 2)
    variations = db.session.scalars(select(ContractVariation).order_by(ContractVariation.sequence)).all()
    assert [(v.value_before_fen, v.delta_fen, v.value_after_fen) for v in variations] == [
        (100_000_000, 5_000_000, 105_000_000), (105_000_000, -2_000_000, 103_000_000)]
    page = client.get(f"/contracts/{contract.id}", headers=EN).data.decode()
    assert "1,000,000.00" in page and "1,030,000.00" in page and "取消一处涵洞" in page


def _set_paid(contract: Contract, paid_fen: int, released: bool = False) -> None:
    db.session.execute(text("UPDATE contract SET paid_fen = :paid, retention_released = :released WHERE id = :id"),
                       {"paid": paid_fen, "released": released, "id": contract.id})
    db.session.commit()


def test_a_value_below_what_is_paid_or_into_the_retention_is_refused(app):
    """With 900,000 yuan paid on a 1,000,000 yuan contract at 3%, a decrease to 920,000 would reach into the
    retention and one to 850,000 below the paid: both refused naming the change, the value unchanged."""
    project, _milestones, contractor = _setup()
    contract = _contract(project, contractor)
    db.session.commit()
    _set_paid(contract, 90_000_000)
    try:
        for decrease, words in ((8_000_000, "retention"), (15_000_000, "already paid")):
            with pytest.raises(Refused) as refused:
                add_variation(contract, delta_fen=-decrease, reason="核减", varied_on=date(2026, 3, 1), today=TODAY)
            assert refused.value.field == "delta_fen" and words in str(refused.value.message)
            db.session.rollback()
        db.session.refresh(contract)
        assert contract.value_fen == 100_000_000
    finally:
        _set_paid(contract, 0)


def test_the_database_refuses_an_overrun_or_early_retention_by_raw_sql(app):
    """Whatever path the write takes: paid above the value, or into the retention before its release,
    and a variation whose values do not add up are refused by the database's CHECKs."""
    project, _milestones, contractor = _setup()
    contract = _contract(project, contractor)
    db.session.commit()
    for paid, released in ((100_000_001, True), (97_000_001, False)):
        with pytest.raises(IntegrityError):
            _set_paid(contract, paid, released)
        db.session.rollback()
    _set_paid(contract, 100_000_000, True)  # the whole value, once the retention is released
    _set_paid(contract, 0)
    with pytest.raises(IntegrityError):
        db.session.execute(text("INSERT INTO contract_variation (contract_id, sequence, delta_fen, value_before_fen, "
                                "value_after_fen, reason, varied_on, created_at) VALUES (:id, 1, 100, 100000000, "
                                "100000200, 'x', '2026-03-01', '2026-03-01 00:00:00')"), {"id": contract.id})
        db.session.commit()
    db.session.rollback()


def test_contracts_export_csv_with_bom_and_columns(app, runner, tmp_path):
    """`contracts export` writes the documented columns in UTF-8 with BOM, money in yuan."""
    project, _milestones, contractor = _setup()
    _contract(project, contractor)
    db.session.commit()
    path = tmp_path / "contracts.csv"
    result = runner.invoke(args=["contracts", "export", str(path)])
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["contract_no", "project_code", "contractor", "uscc", "method", "value_yuan", "paid_yuan",
                       "retained_yuan", "outstanding_yuan"]
    assert rows[1] == ["SP-HT-001", project.code, "永州路桥建设有限公司", "91350100M000100Y43", "public_tender",
                       "1000000.00", "0.00", "30000.00", "970000.00"]


def test_free_text_contractors_are_carried_over_never_lost(app):
    """Upgrading over projects with free-text contractors makes one contractor per distinct name, its
    credit code to be completed; the projects keep their text; no contract is invented."""
    from flask_migrate import downgrade, upgrade

    from tests.conftest import MIGRATIONS

    # The projects are made on today's schema, then the schema goes back to before contracts.
    for name in ("永州某路桥公司", " 永州某路桥公司 ", "双牌某建筑公司", ""):
        factories.make_project(contractor=name)
    db.session.commit()
    db.session.remove()
    downgrade(directory=MIGRATIONS, revision="0014")
    db.session.execute(text("DELETE FROM contractor"))
    db.session.commit()
    db.session.remove()
    upgrade(directory=MIGRATIONS)
    carried = db.session.execute(select(Contractor.name, Contractor.uscc).order_by(Contractor.name)).all()
    assert sorted(carried) == sorted([("永州某路桥公司", None), ("双牌某建筑公司", None)])
    assert db.session.scalars(select(Contract)).all() == []
    assert " 永州某路桥公司 " in db.session.scalars(select(Project.contractor)).all()

"""Payments under contracts: cumulative payments never beyond the current value, the retention unpaid
until the defects-liability period ends and then released by a payment of its own, reversals moving
the contract back; enforced by the services and, whatever the path, by the database."""
from __future__ import annotations

from datetime import date

import pytest

from contracts.contract_services import ContractInput, create_contract, liability_ends_on
from contracts.models import Contract
from contracts.services import ContractorInput, register_contractor
from core.errors import Refused
from extensions import db
from funds.ledger import services as ledger
from tests import factories

TODAY = date(2026, 11, 30)


def _setup(actual_end=None):
    source = factories.make_source(pays_directly=True, received_fen=500_000_000)
    project = factories.make_project(actual_end=actual_end) if actual_end else factories.make_project()
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=300_000_000, entry_date=date(2025, 1, 2))
    contractor = register_contractor(ContractorInput(name="合同支付测试公司", uscc="91350100M000100Y43"))
    contract = create_contract(ContractInput(contract_no="PAY-1", project_id=project.id, contractor_id=contractor.id,
                                             subject="works", method="public_tender", signed_on=date(2025, 1, 5),
                                             value_fen=100_000_000, retention_bp=300, defects_liability_months=12),
                               today=TODAY)
    db.session.commit()
    return source, project, milestone, contract


def _pay(source, project, milestone, contract, amount_fen, voucher, paid_on=date(2026, 2, 1), release=False):
    return ledger.record_payment(source, project, milestone, voucher_no=voucher, payee="合同支付测试公司",
                                 paid_on=paid_on, amount_fen=amount_fen, cost_category="materials",
                                 contract_id=contract.id, retention_release=release, today=TODAY)


def test_payments_stop_at_value_less_retention(app):
    """970,000 of a 1,000,000 yuan contract at 3% may be paid; one fen more is refused as into the retention."""
    source, project, milestone, contract = _setup()
    _pay(source, project, milestone, contract, 97_000_000, "V1")
    db.session.commit()
    assert db.session.get(Contract, contract.id).paid_fen == 97_000_000
    with pytest.raises(Refused) as refused:
        _pay(source, project, milestone, contract, 1, "V2")
    assert refused.value.field == "amount" and "retention" in str(refused.value.message)
    db.session.rollback()


def test_retention_released_only_after_the_liability_period(app):
    """Before completion + 12 months the release is refused naming the day; after it the release pays
    the rest, and nothing beyond the value can follow; reversing the release holds the retention again."""
    source, project, milestone, contract = _setup(actual_end=date(2025, 6, 30))
    assert liability_ends_on(contract, date(2025, 6, 30)) == date(2026, 6, 30)
    _pay(source, project, milestone, contract, 97_000_000, "V1")
    db.session.commit()
    with pytest.raises(Refused) as refused:
        _pay(source, project, milestone, contract, 3_000_000, "V2", paid_on=date(2026, 6, 29), release=True)
    assert refused.value.field == "retention_release" and "2026-06-30" in str(refused.value.message)
    db.session.rollback()
    release = _pay(source, project, milestone, contract, 3_000_000, "V3", paid_on=date(2026, 7, 1), release=True)
    db.session.commit()
    assert db.session.get(Contract, contract.id).retention_released
    with pytest.raises(Refused) as refused:
        _pay(source, project, milestone, contract, 1, "V4", paid_on=date(2026, 7, 2))
    assert "Beyond the contract" in str(refused.value.message)
    db.session.rollback()
    ledger.reverse_payment(release, voucher_no="V3-R", reversed_on=date(2026, 7, 3), reason="开错账户", today=TODAY)
    db.session.commit()
    contract = db.session.get(Contract, contract.id)
    assert (contract.paid_fen, contract.retention_released) == (97_000_000, False)


def test_a_payment_under_another_projects_contract_is_refused(app):
    """The contract must be the project's own: the service refuses, the composite key would too."""
    source, _project, _milestone, contract = _setup()
    other = factories.make_project()
    other_milestone = factories.make_milestone(other)
    ledger.allocate(source, other, delta_fen=1_000_000, entry_date=date(2025, 1, 2))
    db.session.commit()
    with pytest.raises(Refused) as refused:
        _pay(source, other, other_milestone, contract, 100, "V9")
    assert refused.value.field == "contract"
    db.session.rollback()


def test_a_payment_without_a_contract_still_works(app):
    """Wages and small management costs need no contract: the contract's paid does not move."""
    source, project, milestone, contract = _setup()
    ledger.record_payment(source, project, milestone, voucher_no="W1", payee="务工人员工资", paid_on=date(2026, 2, 1),
                          amount_fen=500_000, cost_category="wages", today=TODAY)
    db.session.commit()
    assert db.session.get(Contract, contract.id).paid_fen == 0


def test_the_payment_form_names_the_contract_and_refuses_into_the_retention(app, client, auth):
    """Finance picks the contract on the payment form; a payment into the retention is refused on the amount."""
    source, project, milestone, contract = _setup()
    auth.as_role("finance")
    form = f"/funds/sources/{source.id}/payments/new?project={project.id}"
    assert "PAY-1" in client.get(form).data.decode()
    data = {"project_id": project.id, "milestone_id": milestone.id, "voucher_no": "WEB-1", "payee": "合同支付测试公司",
            "paid_on": "2026-02-02", "amount": "980000", "cost_category": "materials", "contract_id": contract.id}
    page = client.post(form, data=data, headers={"Accept-Language": "en"}).data.decode()
    assert "Into the retention" in page and db.session.get(Contract, contract.id).paid_fen == 0
    assert client.post(form, data={**data, "amount": "970000"}).status_code == 302
    assert db.session.get(Contract, contract.id).paid_fen == 97_000_000

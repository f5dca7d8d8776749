"""The contractor register: credit codes checked with the GB 32100-2015 check character, duplicates
refused, the bank account masked except to finance, changes audited, `flask contractors add`."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from contracts import uscc
from contracts.models import Contractor
from contracts.services import ContractorInput, register_contractor
from core.errors import Refused
from extensions import db

VALID = "91350100M000100Y43"  # the standard's worked example
OTHER = "91440300708461136T"
EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("code", [VALID, OTHER, "91110000600037341L"])
def test_valid_codes_pass(code):
    """Codes whose check character matches pass."""
    assert uscc.problem(code) is None


@pytest.mark.parametrize(("code", "problem"), [
    ("91350100M000100Y44", "check"), ("91350100M000100Y4", "length"), ("91350100M000100YI3", "characters"),
    ("91350100M00O100Y43", "characters"), ("", "length")])
def test_wrong_codes_fail_with_their_reason(code, problem):
    """A wrong check character, a wrong length or a letter the standard does not use is named."""
    assert uscc.problem(code) == problem


def test_full_width_and_spaces_are_normalised():
    """A code typed with full-width characters, spaces and lower case reads as the code."""
    assert uscc.normalise("９１３５ ０１００ｍ０００１００ｙ４３") == VALID


def _register(**fields) -> Contractor:
    values = dict(name="湖南潇湘建设有限公司", uscc=VALID, legal_representative="张三", bank_name="中国农业银行双牌县支行",
                  bank_account="6228 4801 2345 6789")
    values.update(fields)
    return register_contractor(ContractorInput(**values))


def test_register_normalises_and_audits_with_masked_account(app):
    """A contractor is stored with its account's digits only; the trail masks the account."""
    contractor = _register()
    db.session.commit()
    assert contractor.bank_account == "6228480123456789" and contractor.masked_account == "**** 6789"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contractor.create")).one()
    assert event.after["bank_account"] == "**** 6789"


def test_wrong_code_duplicate_and_bad_account_are_refused_naming_the_field(app):
    """A wrong check character, a duplicate name or code and an account that is not digits are refused."""
    _register()
    db.session.commit()
    cases = [(dict(name="另一公司", uscc="91350100M000100Y44"), "uscc"), (dict(uscc=OTHER), "name"),
             (dict(name="另一公司"), "uscc"), (dict(name="另一公司", uscc=OTHER, bank_account="12ab"), "bank_account"),
             (dict(name="另一公司", uscc=OTHER, bank_name=""), "bank_name")]
    for fields, field in cases:
        with pytest.raises(Refused) as refused:
            _register(**fields)
        assert field in refused.value.errors, fields
        db.session.rollback()
    assert db.session.scalars(select(Contractor)).all()[0].name == "湖南潇湘建设有限公司"


def test_register_on_the_page_and_see_the_wrong_code_on_its_field(app, client, auth):
    """A planner's wrong check character is shown on the credit-code field; a right one registers."""
    auth.as_role("planner")
    form = dict(name="双牌县路桥工程有限公司", uscc="91350100M000100Y44", bank_name="农行", bank_account="6228480123456789")
    page = client.post("/contracts/contractors/new", data=form, headers=EN).data.decode()
    assert "Unified social credit code: The last character (the check character) does not match" in page
    assert db.session.scalars(select(Contractor)).all() == []
    response = client.post("/contracts/contractors/new", data={**form, "uscc": VALID})
    assert response.status_code == 302
    assert db.session.scalars(select(Contractor)).one().uscc == VALID


@pytest.mark.parametrize(("role", "whole"), [("finance", True), ("planner", False), ("leader", False),
                                             ("auditor", False), ("admin", False)])
def test_bank_account_whole_only_to_finance(app, client, auth, role, whole):
    """Finance sees the whole account on the list and the page; everyone else its last four digits."""
    contractor = _register()
    db.session.commit()
    auth.as_role(role)
    for url in ("/contracts/contractors/", f"/contracts/contractors/{contractor.id}"):
        page = client.get(url).data.decode()
        assert ("6228480123456789" in page) is whole and "6789" in page, (role, url)


def test_planner_edits_without_touching_the_bank_details(app, client, auth):
    """A planner changes the phone; the bank account stays as finance entered it; the change is audited."""
    contractor = _register()
    db.session.commit()
    auth.as_role("planner")
    page = client.get(f"/contracts/contractors/{contractor.id}/edit").data.decode()
    assert "6228480123456789" not in page
    response = client.post(f"/contracts/contractors/{contractor.id}/edit",
                           data=dict(name=contractor.name, uscc=VALID, contact_phone="0746-7722000",
                                     bank_account="999999999", version=str(contractor.version)))
    assert response.status_code == 302
    db.session.refresh(contractor)
    assert contractor.contact_phone == "0746-7722000" and contractor.bank_account == "6228480123456789"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contractor.update")).one()
    assert event.after == {"contact_phone": "0746-7722000"}


def test_cli_add_and_its_refusals(app, runner):
    """`contractors add` registers; a bad code or a duplicate exits non-zero naming the reason."""
    result = runner.invoke(args=["contractors", "add", "--name", "永州某监理公司", "--uscc", VALID])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["contractors", "add", "--name", "别的公司", "--uscc", "91440300708461136X"])
    assert result.exit_code != 0 and "uscc" in result.output and "check character" in result.output
    result = runner.invoke(args=["contractors", "add", "--name", "永州某监理公司", "--uscc", OTHER])
    assert result.exit_code != 0 and "already registered" in result.output
    assert len(db.session.scalars(select(Contractor)).all()) == 1

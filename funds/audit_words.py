"""What the audit trail calls finance's actions, objects and fields, and where it links each money
record: the fund source's page at the payment's month, its appropriations, the project's funding, the
rules, the reconciliation (audit/vocabulary.py)."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for
from sqlalchemy import select

from audit.vocabulary import describe
from core.i18n import _l
from extensions import db
from funds.models import (
    CHANNELS,
    COST_CATEGORIES,
    LEVELS,
    RULE_KINDS,
    Allocation,
    Appropriation,
    Payment,
    StatementImport,
    StatementLine,
)
from funds.reconcile.matching import AMOUNT_PAYEE, MANUAL, REFERENCE
from funds.requests.models import REQUEST_STATES
from projects.models import CATEGORIES

ACTIONS = {
    "fund_source.create": _l("Fund source registered"), "fund_source.update": _l("Fund source changed"),
    "appropriation.create": _l("Money received"), "appropriation.reverse": _l("Receipt reversed"),
    "allocation.change": _l("Allocation changed"), "payment.create": _l("Payment recorded"),
    "payment.reverse": _l("Payment reversed"), "payment.export": _l("Payments exported"),
    "month.close": _l("Month closed"), "month.reopen": _l("Month reopened"),
    "fund_rule.create": _l("Fund rule added"), "fund_rule.update": _l("Fund rule changed"),
    "statement.import": _l("Statement imported"), "statement.match": _l("Statement line matched"),
    "statement.unmatch": _l("Statement match undone"), "statement.explain": _l("Statement line explained"),
    "statement.unexplain": _l("Statement explanation withdrawn"),
    "statement.release": _l("Held statement lines released"), "checks.export": _l("Fund-rule checks exported"),
    "planned_funding.set": _l("Planned funding changed"),
    "payment_request.prepare": _l("Payment request prepared"),
    "payment_request.approve": _l("Payment request approved"),
    "payment_request.reject": _l("Payment request rejected"),
}
OBJECTS = {
    "fund_source": _l("Fund source"), "appropriation": _l("Appropriation"), "allocation": _l("Allocation"),
    "payment": _l("Payment"), "fund_rule": _l("Fund rule"), "statement_line": _l("Statement line"),
    "statement_import": _l("Statement import"), "payment_request": _l("Payment request"),
}
FIELDS = {
    "source": _l("Fund source"), "source_id": _l("Fund source"), "voucher_no": _l("Voucher number"),
    "payee": _l("Payee"), "paid_on": _l("Date paid"), "amount_fen": _l("Amount"), "cost_category": _l("Cost category"),
    "reversal_id": _l("Reversing entry"), "delta_fen": _l("Change"), "document_no": _l("Document number"),
    "received_on": _l("Date received"), "channel": _l("Channel"), "level": _l("Level"),
    "fiscal_year": _l("Fiscal year"), "managing_department": _l("Managing department"),
    "document_ref": _l("Document"), "period": _l("Month"), "kind": _l("Rule"), "params": _l("Parameters"),
    "active": _l("Active"), "payment_id": _l("Payment"), "txn_date": _l("Transaction date"),
    "method": _l("How matched"), "explanation": _l("Explanation"), "direction": _l("Direction"),
    "lines": _l("Lines"), "new": _l("New lines"), "matched": _l("Matched lines"),
    "line_ids": _l("Statement lines"), "held_closed_month": _l("Lines held apart (month closed)"),
    "unmatched_lines": _l("Lines without a payment"),
    "unmatched_payments": _l("Payments without a line"),
    # a rule's parameters (funds/rules/params.py), recorded as JSON text
    "categories": _l("Eligible categories"), "min_share_pct": _l("Minimum wage share"),
    "max_share_pct": _l("Management fee cap"), "forbidden_categories": _l("Forbidden categories"),
    "forbidden_keywords": _l("Forbidden words"), "thresholds": _l("Idle limits"),
    "min_unspent_fen": _l("Unspent at least"), "months": _l("Months without a payment"),
    "above_fen": _l("Approval needed above"),
    # payment requests (funds/requests)
    "state": _l("State"), "reason": _l("Reason"),
    "days": _l("Days after the month worked"),
    # a payment dated before its project's actual start (funds.ledger.payment_dates)
    "warning": _l("Warned"), "project_actual_start": _l("Project's actual start"),
    "warning_points": _l("Warning when behind by (percentage points)"),
    "breach_points": _l("Breach when behind by (percentage points)"),
}
VALUES = {
    "channel": CHANNELS, "level": LEVELS, "cost_category": COST_CATEGORIES, "kind": RULE_KINDS,
    "categories": CATEGORIES, "forbidden_categories": CATEGORIES,
    "method": {REFERENCE: _l("By reference"), AMOUNT_PAYEE: _l("By amount, date and payee"), MANUAL: _l("By hand")},
    "direction": {"debit": _l("Debit: money out"), "credit": _l("Credit: money in")},
    "state": REQUEST_STATES,
    "warning": {"before_project_start": _l("Paid before the project's actual start")},
}


def _ids(texts: list[str]) -> list[int]:
    return [int(text) for text in texts if text.isdigit() and len(text) < 19]


def source_links(ids: list[str]) -> Mapping[str, str]:
    """Each fund source's page."""
    return {str(number): url_for("funds.source", source_id=number) for number in _ids(ids)}


def payment_links(ids: list[str]) -> Mapping[str, str]:
    """The source's payments of the payment's month, where it and its reversal are listed."""
    rows = db.session.execute(select(Payment.id, Payment.source_id, Payment.period).where(Payment.id.in_(_ids(ids))))
    return {str(number): url_for("funds.source", source_id=source_id, period=period, _anchor="payments")
            for number, source_id, period in rows}


def appropriation_links(ids: list[str]) -> Mapping[str, str]:
    """The source's appropriations received."""
    rows = db.session.execute(select(Appropriation.id, Appropriation.source_id)
                              .where(Appropriation.id.in_(_ids(ids))))
    return {str(number): url_for("funds.source", source_id=source_id, _anchor="appropriations")
            for number, source_id in rows}


def allocation_links(ids: list[str]) -> Mapping[str, str]:
    """The project's funding by source."""
    rows = db.session.execute(select(Allocation.id, Allocation.project_id).where(Allocation.id.in_(_ids(ids))))
    return {str(number): url_for("projects.detail", project_id=project_id, _anchor="funding")
            for number, project_id in rows}


def rule_links(ids: list[str]) -> Mapping[str, str]:
    """The rule's row on the fund rules page."""
    return {str(number): url_for("funds.rules", _anchor=f"rule-{number}") for number in _ids(ids)}


def statement_line_links(ids: list[str]) -> Mapping[str, str]:
    """The reconciliation of the line's source."""
    rows = db.session.execute(select(StatementLine.id, StatementLine.source_id)
                              .where(StatementLine.id.in_(_ids(ids))))
    return {str(number): url_for("funds.reconcile", source_id=source_id) for number, source_id in rows}


def statement_import_links(ids: list[str]) -> Mapping[str, str]:
    """The reconciliation of the imported statement's source."""
    rows = db.session.execute(select(StatementImport.id, StatementImport.source_id)
                              .where(StatementImport.id.in_(_ids(ids))))
    return {str(number): url_for("funds.reconcile", source_id=source_id) for number, source_id in rows}


def request_links(ids: list[str]) -> Mapping[str, str]:
    """The payment request's page."""
    return {str(number): url_for("funds.payment_request", request_id=number) for number in _ids(ids)}


def install(app: Flask) -> None:
    """Tell the trail finance's words and links."""
    describe(app, actions=ACTIONS, objects=OBJECTS, fields=FIELDS, values=VALUES,
             links={"fund_source": source_links, "payment": payment_links, "appropriation": appropriation_links,
                    "allocation": allocation_links, "fund_rule": rule_links, "statement_line": statement_line_links,
                    "statement_import": statement_import_links, "payment_request": request_links})

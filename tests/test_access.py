"""Every route has an access rule, and each kind of visitor gets exactly what the matrix says."""
from __future__ import annotations

from datetime import date

import pytest

from api.tokens import create_token
from assets.models import Asset
from contracts.contract_services import ContractInput, create_contract
from contracts.services import ContractorInput, register_contractor
from disclosure.models import Notice, Objection
from documents.services import attach
from extensions import db
from funds.ledger import services as ledger
from funds.requests.services import PaymentInput, prepare_request
from import_values.models import ImportValue
from payroll.idcard import with_check
from payroll.models import Payroll
from payroll.services import WorkerInput, add_worker
from tests import factories

ROLES = ("admin", "planner", "finance", "leader", "auditor")
EVERYONE = set(ROLES)
EDITORS = {"admin", "planner"}

# endpoint -> (method, url template, roles that may use it). Anonymous visitors are sent to sign in.
MATRIX = {
    "auth.home": ("GET", "/", "public"),
    "auth.login": ("GET", "/login", "public"),
    "auth.set_language": ("GET", "/lang/en", "public"),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "auth.change_password": ("GET", "/account/password", EVERYONE),
    "auth.set_money_unit": ("POST", "/account/money-unit", EVERYONE),
    "projects.index": ("GET", "/projects/", EVERYONE),
    "projects.detail": ("GET", "/projects/{project}", EVERYONE),
    "projects.export": ("GET", "/projects/export.csv", EVERYONE),
    "projects.project_map": ("GET", "/projects/map", EVERYONE),
    "projects.map_data": ("GET", "/projects/map.json", EVERYONE),
    "projects.county_map": ("GET", "/projects/map/county.json", EVERYONE),
    "projects.create": ("GET", "/projects/new", EDITORS),
    "projects.edit": ("GET", "/projects/{project}/edit", EDITORS),
    "projects.change_status": ("POST", "/projects/{project}/status", EDITORS),
    "projects.add_milestone": ("POST", "/projects/{project}/milestones/new", EDITORS),
    "projects.edit_milestone": ("GET", "/projects/milestones/{milestone}/edit", EDITORS),
    "projects.record_progress": ("POST", "/projects/milestones/{milestone}/progress", EDITORS),
    "projects.propose": ("GET", "/projects/propose", EDITORS),
    "projects.library_entry": ("GET", "/projects/{project}/library", EDITORS),
    "projects.review": ("POST", "/projects/{project}/review", EDITORS),
    "projects.library": ("GET", "/projects/library/", EVERYONE),
    "projects.library_export": ("GET", "/projects/library/2026.xlsx", EVERYONE),
    "projects.add_target": ("POST", "/projects/{project}/targets", EDITORS),
    "projects.record_actual": ("POST", "/projects/targets/{target}/actual", EDITORS),
    "projects.remove_target": ("POST", "/projects/targets/{target}/remove", EDITORS),
    "projects.assessments": ("GET", "/projects/assessments", EVERYONE),
    "projects.assessment_print": ("GET", "/projects/{project}/assessment.pdf", EVERYONE),
    "funds.set_planned": ("POST", "/funds/projects/{project}/planned", EDITORS),
    "projects.import_upload": ("GET", "/projects/import", {"admin", "planner"}),
    "projects.import_template": ("GET", "/projects/import/template.xlsx", {"admin", "planner"}),
    "projects.import_mapping": ("GET", "/projects/import/unknown/mapping", {"admin", "planner"}),
    "projects.import_preview": ("GET", "/projects/import/unknown/preview", {"admin", "planner"}),
    "projects.import_values": ("GET", "/projects/import/unknown/values", {"admin", "planner"}),
    "import_values.index": ("GET", "/imports/values", {"admin", "planner"}),
    "import_values.remove": ("POST", "/imports/values/1/forget", {"admin", "planner"}),
    "projects.import_confirm": ("POST", "/projects/import/unknown/confirm", {"admin", "planner"}),
    "notices.create": ("GET", "/notices/projects/{project}/new", EDITORS),
    "notices.detail": ("GET", "/notices/{notice}", EVERYONE),
    "notices.print_notice": ("GET", "/notices/{notice}/notice.pdf", EVERYONE),
    "notices.due_notices": ("GET", "/notices/due", EVERYONE),
    "notices.add_objection": ("POST", "/notices/{notice}/objections", EDITORS),
    "notices.resolve_objection": ("POST", "/notices/objections/{objection}/resolve", EDITORS),
    "public.index": ("GET", "/public/", "public"),
    "public.project": ("GET", "/public/projects/{code}", "public"),
    "public.oc4ids_json": ("GET", "/public/oc4ids.json", "public"),
    "public.oc4ids_xlsx": ("GET", "/public/oc4ids.xlsx", "public"),
    "funds.index": ("GET", "/funds/", EVERYONE),
    "funds.source": ("GET", "/funds/sources/{source}", EVERYONE),
    "funds.create_source": ("GET", "/funds/sources/new", {"finance"}),
    "funds.edit_source": ("GET", "/funds/sources/{source}/edit", {"finance"}),
    "funds.add_appropriation": ("GET", "/funds/sources/{source}/appropriations", {"finance"}),
    "funds.allocate": ("GET", "/funds/sources/{source}/allocations", {"finance"}),
    "funds.pay": ("GET", "/funds/sources/{source}/payments/new", {"finance"}),
    "funds.reverse": ("GET", "/funds/payments/{payment}/reverse", {"finance"}),
    "funds.reverse_appropriation": ("GET", "/funds/appropriations/1/reverse", {"finance"}),
    "funds.close_month": ("POST", "/funds/sources/{source}/close", {"finance"}),
    "funds.reopen_month": ("POST", "/funds/sources/{source}/months/202601/reopen", {"admin"}),
    "funds.checks": ("GET", "/funds/checks", EVERYONE),
    "funds.export_checks": ("GET", "/funds/checks/export.csv", EVERYONE),
    "funds.payments": ("GET", "/funds/payments", EVERYONE),
    "funds.export_payments": ("GET", "/funds/payments/export.xlsx", EVERYONE),
    "funds.payable_milestones": ("GET", "/funds/sources/{source}/milestones?project={project}", {"finance"}),
    "funds.rules": ("GET", "/funds/rules", EVERYONE),
    "funds.rule_new": ("GET", "/funds/rules/new", {"admin", "finance"}),
    "funds.rule_edit": ("GET", "/funds/rules/1", {"admin", "finance"}),  # rule 1: made by _objects
    "funds.rule_toggle": ("POST", "/funds/rules/1/active", {"admin", "finance"}),
    "funds.statements": ("GET", "/funds/sources/{source}/statements", {"finance"}),
    "funds.statement_mapping": ("GET", "/funds/sources/{source}/statements/0/mapping", {"finance"}),
    "funds.statement_preview": ("GET", "/funds/sources/{source}/statements/0/preview", {"finance"}),
    "funds.reconcile": ("GET", "/funds/sources/{source}/reconcile", EVERYONE),
    "funds.match_statement_line": ("POST", "/funds/sources/{source}/reconcile/match", {"finance"}),
    "funds.unmatch_statement_line": ("POST", "/funds/sources/{source}/reconcile/unmatch", {"finance"}),
    "funds.explain_statement_line": ("POST", "/funds/sources/{source}/reconcile/explain", {"finance"}),
    "funds.unexplain_statement_line": ("POST", "/funds/sources/{source}/reconcile/unexplain", {"finance"}),
    "reports.index": ("GET", "/reports/", EVERYONE),
    "reports.chart": ("GET", "/reports/charts/fund-utilisation.png", EVERYONE),
    "reports.earned_value": ("GET", "/reports/earned-value", EVERYONE),
    "reports.export_earned_value": ("GET", "/reports/earned-value/export.xlsx", EVERYONE),
    "reports.schedule": ("GET", "/reports/schedule?year=2026", EVERYONE),
    "reports.export_schedule": ("GET", "/reports/schedule/export.xlsx?year=2026", EVERYONE),
    "reports.project": ("GET", "/reports/projects/{project}", EVERYONE),
    "reports.meeting_report": ("GET", "/reports/meeting-report.pdf", EVERYONE),
    "audit.index": ("GET", "/audit/", {"admin", "auditor"}),
    "audit.export": ("GET", "/audit/export.csv", {"admin", "auditor"}),
    "admin.users": ("GET", "/admin/", {"admin"}),
    "admin.create": ("GET", "/admin/users/new", {"admin"}),
    "admin.edit": ("GET", "/admin/users/{user}", {"admin"}),
    "admin.disable": ("POST", "/admin/users/{user}/disable", {"admin"}),
    "admin.enable": ("POST", "/admin/users/{user}/enable", {"admin"}),
    "contracts.contractors": ("GET", "/contracts/contractors/", EVERYONE),
    "contracts.contractor": ("GET", "/contracts/contractors/{contractor}", EVERYONE),
    "contracts.new_contractor": ("GET", "/contracts/contractors/new", {"admin", "planner", "finance"}),
    "contracts.edit_contractor": ("GET", "/contracts/contractors/{contractor}/edit", {"admin", "planner", "finance"}),
    "contracts.new_contract": ("GET", "/contracts/new?project={project}", {"admin", "planner"}),
    "contracts.contract": ("GET", "/contracts/{contract}", EVERYONE),
    "contracts.add_variation": ("POST", "/contracts/{contract}/variations", {"admin", "planner"}),
    "documents.attach": ("POST", "/documents/new", {"admin", "planner", "finance"}),
    "documents.download": ("GET", "/documents/{document}/file", EVERYONE),
    "documents.withdraw": ("POST", "/documents/{document}/withdraw", {"admin", "planner", "finance"}),
    "documents.required": ("GET", "/documents/required", EVERYONE),
    "funds.requests": ("GET", "/funds/requests", EVERYONE),
    "funds.payment_request": ("GET", "/funds/requests/{request}", EVERYONE),
    "funds.approve_request": ("POST", "/funds/requests/{request}/approve", {"finance"}),
    "funds.reject_request": ("POST", "/funds/requests/{request}/reject", {"finance"}),
    "payroll.index": ("GET", "/payroll/", EVERYONE),
    "payroll.project": ("GET", "/payroll/projects/{project}", EVERYONE),
    "payroll.import_roster": ("POST", "/payroll/projects/{project}/roster", {"planner", "finance"}),
    "payroll.import_payroll": ("POST", "/payroll/projects/{project}/payrolls", {"planner", "finance"}),
    "payroll.payroll": ("GET", "/payroll/payrolls/{payroll}", EVERYONE),
    "payroll.post": ("POST", "/payroll/payrolls/{payroll}/post", {"finance"}),
    "payroll.bank_file": ("GET", "/payroll/payrolls/{payroll}/bank.xlsx", {"finance"}),
    "payroll.ledger": ("GET", "/payroll/payrolls/{payroll}/ledger.xlsx", EVERYONE),
    "payroll.show_worker": ("POST", "/payroll/workers/{worker}/show", {"finance"}),
    "assets.index": ("GET", "/assets/", EVERYONE),
    "assets.export": ("GET", "/assets/export.xlsx", EVERYONE),
    "assets.overdue": ("GET", "/assets/overdue", EVERYONE),
    "assets.edit": ("GET", "/assets/{asset}/edit", {"planner", "finance"}),
    "assets.add": ("GET", "/assets/projects/{project}/new", {"planner", "finance"}),
    "assets.handover": ("GET", "/assets/{asset}/handover", {"planner", "finance"}),
    "api_tokens.index": ("GET", "/account/tokens/", EVERYONE),
    "api_tokens.revoke": ("POST", "/account/tokens/{token}/revoke", EVERYONE),
    "api_docs.openapi": ("GET", "/api/v1/openapi.json", "public"),
    "api_docs.docs": ("GET", "/api/v1/docs", "public"),
    # The API (tests/test_api.py walks it with tokens: role, scope and area): a session is not accepted.
    **dict.fromkeys(("api.projects", "api.project", "api.milestones", "api.progress", "api.project_allocations", "api.project_payments", "api.project_contracts", "api.project_documents", "api.sources", "api.source", "api.source_payments", "api.checks", "api.report_progress", "api.create_payment"), ("GET", "/api/v1/projects", "token")),
}
# Routes whose record narrows the roles the decorator lets in (documents follow their owner's rule:
# the document made by _objects is a project's, which planning attaches and withdraws).
NARROWED_BY_RECORD = {"documents.withdraw": EDITORS, "api_tokens.revoke": {"admin"}}  # another's token


def test_every_route_declares_an_access_rule(app):
    """A route added without role_required or public fails the build."""
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint != "static" and not hasattr(app.view_functions[rule.endpoint], "access_rule")]
    assert missing == []


def test_every_route_is_in_the_role_matrix(app):
    """The matrix below covers every route, so a new route must say who may use it."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(MATRIX)


def test_declared_rules_match_the_matrix(app):
    """The decorator on each view grants exactly the roles the matrix expects."""
    for endpoint, (_method, _url, allowed) in MATRIX.items():
        kind, roles = app.view_functions[endpoint].access_rule
        if allowed == "token":
            assert kind == "roles", endpoint
        elif allowed == "public":
            assert kind == "public", endpoint
        else:
            assert (kind, set(roles)) == ("roles", allowed), endpoint


def _objects():
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=1_000_000)
    ledger.allocate(source, project, delta_fen=500_000, entry_date=date(2026, 1, 2))
    payment = ledger.record_payment(source, project, milestone, voucher_no="V-ACCESS", payee="某公司",
                                    paid_on=date(2026, 1, 3), amount_fen=100, cost_category="materials")
    target = factories.make_user("leader", username="target-user")
    factories.make_rule("spending_after_completion")  # the first rule of a fresh database: id 1
    db.session.add(ImportValue(kind="category", value_key="宽带进村", value="宽带进村", code="telecom"))  # id 1
    document = attach("project", project.id, document_type="x_invoice", title="发票", document_date=None,
                      filename="发票.pdf", data=b"%PDF-1.4\n%%EOF\n")
    contractor = register_contractor(ContractorInput(name="某建设有限公司", uscc="91350100M000100Y43"))
    contract = create_contract(ContractInput(contract_no="HT-ACCESS", project_id=project.id,
                                             contractor_id=contractor.id, subject="works", method="public_tender",
                                             signed_on=date(2026, 1, 2), value_fen=1_000_000))
    notice = Notice(project_id=project.id, kind="fund_use", place="village_board", start_date=date(2026, 1, 5),
                    end_date=date(2026, 1, 20), snapshot={"code": project.code, "name": project.name})
    db.session.add(notice)
    db.session.flush()
    objection = Objection(notice_id=notice.id, received_on=date(2026, 1, 6), summary="路线", handling="", result="")
    db.session.add(objection)
    indicator = factories.make_target(project)
    request = prepare_request(PaymentInput(source, project, milestone, "V-REQUEST", "某公司", date(2026, 1, 4), 100,
                                           "materials"), actor=factories.make_user("finance", username="maker"))
    worker = add_worker(project, WorkerInput(name="张三", id_number=with_check("43112319800101001")))
    payroll = Payroll(project_id=project.id, source_id=source.id, milestone_id=milestone.id, period=202601)
    db.session.add(payroll)
    asset = Asset(project_id=project.id, asset_class="public_welfare", name="道路", value_fen=100)
    db.session.add(asset)
    token = create_token(target, "read", 5).token
    db.session.commit()
    return {"token": token.id, "project": project.id, "target": indicator.id, "milestone": milestone.id, "source": source.id,
            "user": target.id, "payment": payment.id, "document": document.id, "contractor": contractor.id,
            "contract": contract.id, "notice": notice.id, "objection": objection.id, "code": project.code,
            "request": request.id, "worker": worker.id, "payroll": payroll.id,
            "asset": asset.id}


@pytest.mark.parametrize("visitor", ("anonymous",) + ROLES)
def test_role_matrix(app, client, auth, visitor):
    """Each visitor is let in where the matrix allows, refused (403) elsewhere, anonymous sent to sign in."""
    ids = _objects()
    if visitor != "anonymous":
        auth.as_role(visitor)
    for endpoint, (method, template, allowed) in MATRIX.items():
        if endpoint == "auth.logout":
            continue  # signing out ends the session; it has its own tests
        url = template.format(**ids)
        allowed = NARROWED_BY_RECORD.get(endpoint, allowed)
        response = client.open(url, method=method)
        if allowed == "token":  # the API answers a browser's session 401, signed in or not
            assert response.status_code == 401, (visitor, endpoint)
        elif allowed == "public":
            assert response.status_code in (200, 302), (visitor, endpoint)
        elif visitor == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], endpoint
        elif visitor in allowed:  # let in: the page, a redirect after the action, or a complaint about empty input
            assert response.status_code in (200, 302, 400), (visitor, endpoint, response.status_code)
            assert "/login" not in response.headers.get("Location", ""), (visitor, endpoint)
        else:
            assert response.status_code == 403, (visitor, endpoint, response.status_code)


def test_denied_access_is_audited(app, client, auth):
    """A refused request leaves an audit event with outcome 'denied'."""
    from sqlalchemy import select

    from audit.models import AuditEvent
    auth.as_role("planner")
    assert client.get("/admin/").status_code == 403
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert event.username == "planner-user" and event.outcome == "denied" and event.object_id == "/admin/"

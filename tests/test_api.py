"""The JSON API: tokens, scope, role and area on every route, problem JSON, ETags, idempotent writes."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from api.auth import OPEN_ENDPOINTS
from api.models import ApiToken
from api.tokens import create_token, revoke_token
from audit.models import AuditEvent
from auth.models import User
from core.clock import utcnow
from extensions import db
from funds.ledger import services as ledger
from funds.models import Payment
from funds.requests.models import PaymentRequest
from projects.models import ProgressUpdate
from reports.cache.store import data_version
from tests import factories

ROLES = ("admin", "planner", "finance", "leader", "auditor")
# endpoint -> (method, url template, roles, whether an account limited to a township may use it)
API_ROUTES = {
    "api.projects": ("GET", "/api/v1/projects", set(ROLES), True),
    "api.project": ("GET", "/api/v1/projects/{project}", set(ROLES), True),
    "api.milestones": ("GET", "/api/v1/projects/{project}/milestones", set(ROLES), True),
    "api.progress": ("GET", "/api/v1/projects/{project}/progress", set(ROLES), True),
    "api.project_allocations": ("GET", "/api/v1/projects/{project}/allocations", set(ROLES), True),
    "api.project_payments": ("GET", "/api/v1/projects/{project}/payments", set(ROLES), True),
    "api.project_contracts": ("GET", "/api/v1/projects/{project}/contracts", set(ROLES), True),
    "api.project_documents": ("GET", "/api/v1/projects/{project}/documents", set(ROLES), True),
    "api.sources": ("GET", "/api/v1/sources", set(ROLES), False),
    "api.source": ("GET", "/api/v1/sources/{source}", set(ROLES), False),
    "api.source_payments": ("GET", "/api/v1/sources/{source}/payments", set(ROLES), False),
    "api.checks": ("GET", "/api/v1/checks", set(ROLES), False),
    "api.report_progress": ("POST", "/api/v1/milestones/{milestone}/progress", {"admin", "planner"}, True),
    "api.create_payment": ("POST", "/api/v1/payments", {"finance"}, False),
}


def _token(user, scope="read", days=30):
    made = create_token(user, scope, days)
    db.session.commit()
    return made.secret


def _bearer(secret, key=None):
    headers = {"Authorization": f"Bearer {secret}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def _objects():
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000, pays_directly=True)
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 2))
    db.session.commit()
    return {"project": project.id, "milestone": milestone.id, "source": source.id}


def test_every_api_route_is_walked(app):
    """The table above names every route under /api/v1/ but the open document and its page."""
    found = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert found - OPEN_ENDPOINTS == set(API_ROUTES)


def test_role_scope_and_area_on_every_route(app, client):
    """Each route lets in exactly its roles, needs write scope to write, and refuses a township account
    routes of the whole county and projects elsewhere."""
    ids = _objects()
    tokens = {}
    for role in ROLES:
        user = factories.make_user(role, username=f"api-{role}")
        tokens[role] = (_token(user, "read"), _token(user, "write"))
    elsewhere = factories.make_area()
    scoped = factories.make_user("planner", username="api-township")
    scoped.area_id = elsewhere.id
    scoped_token = _token(scoped, "write")
    bodies = {"api.report_progress": {"progress_pct": 10, "reported_on": date.today().isoformat()},
              "api.create_payment": {"source_id": ids["source"], "project_id": ids["project"],
                                     "milestone_id": ids["milestone"], "voucher_no": "WALK", "payee": "某公司",
                                     "paid_on": "2026-01-05", "amount_fen": 100, "cost_category": "materials"}}
    for endpoint, (method, template, allowed, township_ok) in API_ROUTES.items():
        url = template.format(**ids)
        body = bodies.get(endpoint, {})
        for role in ROLES:
            read_token, write_token = tokens[role]
            response = client.open(url, method=method, headers=_bearer(write_token, "k-" + endpoint), json=body)
            if role in allowed:
                assert response.status_code in (200, 201), (endpoint, role, response.get_data(as_text=True))
            else:
                assert response.status_code == 403, (endpoint, role, response.status_code)
                assert response.mimetype == "application/problem+json"
            if method != "GET":
                refused = client.open(url, method=method, headers=_bearer(read_token, "r-" + endpoint), json=body)
                assert refused.status_code == 403, (endpoint, role)
        response = client.open(url, method=method, headers=_bearer(scoped_token, "s-" + endpoint), json=body)
        if endpoint == "api.projects":  # the list is narrowed to the township: none of the others
            assert response.status_code == 200 and response.get_json()["items"] == []
        elif "planner" in allowed:
            assert response.status_code == 403, (endpoint, "township", response.status_code)  # elsewhere or county-wide
        if not township_ok:
            assert response.status_code == 403, endpoint


def test_township_account_sees_its_own_projects(app, client):
    """A township's account lists its township's projects only, and reads one of them."""
    mine_area, other_area = factories.make_area(), factories.make_area()
    mine, other = factories.make_project(area=mine_area), factories.make_project(area=other_area)
    user = factories.make_user("planner", username="township-reader")
    user.area_id = mine_area.id
    secret = _token(user)
    listed = client.get("/api/v1/projects", headers=_bearer(secret)).get_json()
    assert [item["code"] for item in listed["items"]] == [mine.code]
    assert client.get(f"/api/v1/projects/{mine.id}", headers=_bearer(secret)).status_code == 200
    assert client.get(f"/api/v1/projects/{other.id}", headers=_bearer(secret)).status_code == 403


def test_session_cookie_is_not_accepted(app, client, auth):
    """A signed-in browser without a token is answered 401 problem JSON on the API."""
    factories.make_project()
    auth.as_role("leader")
    response = client.get("/api/v1/projects")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("state", ("expired", "revoked", "disabled", "unknown", "malformed"))
def test_unusable_tokens_are_refused(app, client, state):
    """Expired, revoked, unknown tokens and tokens of a disabled account answer 401, audited."""
    user = factories.make_user("leader", username=f"tok-{state}")
    made = create_token(user, "read", 1)
    if state == "expired":
        made.token.expires_at = utcnow() - timedelta(seconds=1)
    if state == "revoked":
        revoke_token(made.token)
    if state == "disabled":
        user.active = False
    db.session.commit()
    secret = {"unknown": "ld_" + "x" * 43, "malformed": "nonsense"}.get(state, made.secret)
    response = client.get("/api/v1/projects", headers=_bearer(secret))
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "api.refused")) == 1


def test_token_is_stored_hashed_and_recognisable(app):
    """Only the SHA-256 is kept; the secret starts with ld_."""
    made = create_token(factories.make_user("leader"), "read", 10)
    db.session.commit()
    assert made.secret.startswith("ld_") and len(made.secret) > 40
    stored = db.session.get(ApiToken, made.token.id)
    assert stored is not None and made.secret not in (stored.token_hash, stored.prefix)


def test_a_read_is_audited_without_changing_the_data_version(app, client):
    """Every use is in the audit trail, and a read does not throw the reports' cache away."""
    factories.make_project()
    secret = _token(factories.make_user("leader"))
    before = data_version()
    assert client.get("/api/v1/projects", headers=_bearer(secret)).status_code == 200
    db.session.rollback()
    assert data_version() == before
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.use")).one()
    assert event.object_type == "api_token" and event.after["path"] == "/api/v1/projects"


def test_etag_answers_304(app, client):
    """A read carries an ETag; asking again with it answers 304 without a body."""
    factories.make_project()
    secret = _token(factories.make_user("leader"))
    first = client.get("/api/v1/projects", headers=_bearer(secret))
    etag = first.headers["ETag"]
    again = client.get("/api/v1/projects", headers={**_bearer(secret), "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_problem_json_names_the_field(app, client):
    """A wrong query parameter is refused 422 as problem JSON naming it."""
    secret = _token(factories.make_user("leader"))
    response = client.get("/api/v1/projects?status=nonsense&per_page=0", headers=_bearer(secret))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {error["field"] for error in response.get_json()["errors"]} == {"status", "per_page"}


def test_unknown_api_route_is_problem_json(app, client):
    """A route or method the API does not have answers problem JSON (to a token), not an HTML page."""
    secret = _token(factories.make_user("leader"))
    assert client.get("/api/v1/nothing", headers=_bearer(secret)).mimetype == "application/problem+json"
    refused = client.delete("/api/v1/sources", headers=_bearer(secret))
    assert refused.status_code in (403, 405) and refused.mimetype == "application/problem+json"


def test_pages_link_to_the_next(app, client):
    """A page says how many there are and links to the next one; money is fen and a yuan string."""
    for _ in range(3):
        factories.make_project(budget_fen=123_456)
    secret = _token(factories.make_user("leader"))
    body = client.get("/api/v1/projects?per_page=2", headers=_bearer(secret)).get_json()
    assert body["total"] == 3 and len(body["items"]) == 2 and "page=2" in body["next"]
    assert body["items"][0]["budget"] == {"fen": 123_456, "yuan": "1234.56"}
    last = client.get(body["next"], headers=_bearer(secret)).get_json()
    assert len(last["items"]) == 1 and last["next"] is None


def test_individual_payees_are_withheld(app, client):
    """A payment not under a contract (its payee may be a person) reads with the payee withheld."""
    ids = _objects()
    from funds.models import FundSource
    from projects.models import Milestone, Project
    project, source = db.session.get(Project, ids["project"]), db.session.get(FundSource, ids["source"])
    ledger.record_payment(source, project, db.session.get(Milestone, ids["milestone"]), voucher_no="V-1",
                          payee="张三", paid_on=date(2026, 1, 3), amount_fen=100, cost_category="wages")
    db.session.commit()
    secret = _token(factories.make_user("leader"))
    text = client.get(f"/api/v1/projects/{ids['project']}/payments", headers=_bearer(secret)).get_data(as_text=True)
    assert "张三" not in text and "V-1" in text


def test_a_contract_payment_names_the_registered_company_not_the_typed_payee(app, client):
    """Under a contract the payee read is the contractor's registered name, never the free text typed
    on the payment (which may name a person)."""
    from contracts.contract_services import ContractInput, create_contract
    from contracts.services import ContractorInput, register_contractor
    from funds.models import FundSource
    from projects.models import Milestone, Project

    ids = _objects()
    project, source = db.session.get(Project, ids["project"]), db.session.get(FundSource, ids["source"])
    contractor = register_contractor(ContractorInput(name="某建设有限公司", uscc="91350100M000100Y43"))
    contract = create_contract(ContractInput(contract_no="HT-API", project_id=project.id, contractor_id=contractor.id,
                                             subject="works", method="public_tender", signed_on=date(2026, 1, 2),
                                             value_fen=1_000_000))
    ledger.record_payment(source, project, db.session.get(Milestone, ids["milestone"]), voucher_no="V-2",
                          payee="李四", paid_on=date(2026, 1, 4), amount_fen=100, cost_category="materials",
                          contract_id=contract.id)
    db.session.commit()
    secret = _token(factories.make_user("leader"))
    items = client.get(f"/api/v1/projects/{ids['project']}/payments", headers=_bearer(secret)).get_json()["items"]
    assert [item["payee"] for item in items if item["voucher_no"] == "V-2"] == ["某建设有限公司"]
    assert "李四" not in str(items)


def test_rate_limit_answers_429(app, client):
    """Past the limit per minute a token is answered 429 with Retry-After."""
    app.config["API_RATE_PER_MINUTE"] = 2
    app.extensions.pop("api_limiter", None)
    secret = _token(factories.make_user("leader"))
    codes = [client.get("/api/v1/sources", headers=_bearer(secret)).status_code for _ in range(3)]
    app.extensions.pop("api_limiter", None)
    assert codes == [200, 200, 429]


def test_refusals_per_address_are_limited_and_leave_the_open_data_as_built(app, client, monkeypatch):
    """Requests without a usable token are audited up to the limit per address, then answered 429 with
    nothing recorded; none of them makes the public OC4IDS package be built again."""
    import disclosure.public_views as public_views

    app.config["API_REFUSALS_PER_MINUTE"] = 3
    factories.make_project(status="approved")
    db.session.commit()
    builds = []
    monkeypatch.setattr(public_views, "build", lambda **kw: builds.append(1) or {"projects": [{"id": "x"}]})
    assert client.get("/public/oc4ids.json").status_code == 200 and builds == [1]
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    codes = [client.get("/api/v1/projects", headers={"Authorization": f"Bearer ld_{n}"}).status_code for n in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before + 3
    assert client.get("/public/oc4ids.json").status_code == 200 and builds == [1]


def test_idempotent_progress_records_once(app, client):
    """The same progress report sent twice with one key is recorded once; the same key with another
    body is refused 422 naming the header."""
    ids = _objects()
    secret = _token(factories.make_user("planner"), "write")
    body = {"progress_pct": 40, "reported_on": date.today().isoformat(), "note": ""}
    url = f"/api/v1/milestones/{ids['milestone']}/progress"
    first = client.post(url, json=body, headers=_bearer(secret, "key-1"))
    second = client.post(url, json=body, headers=_bearer(secret, "key-1"))
    assert first.status_code == second.status_code == 201, first.get_data(as_text=True)
    assert first.get_json() == second.get_json() and second.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 1
    changed = client.post(url, json={**body, "progress_pct": 50}, headers=_bearer(secret, "key-1"))
    assert changed.status_code == 422 and changed.get_json()["errors"][0]["field"] == "Idempotency-Key"


def test_payment_goes_through_the_ledger_once(app, client):
    """A payment from a source that needs no approval is posted once for a retried request; a refusal
    names the service's field."""
    ids = _objects()
    secret = _token(factories.make_user("finance"), "write")
    body = {"source_id": ids["source"], "project_id": ids["project"], "milestone_id": ids["milestone"],
            "voucher_no": "API-1", "payee": "某建设有限公司", "paid_on": "2026-01-05", "amount_fen": 1000,
            "cost_category": "materials"}
    answers = [client.post("/api/v1/payments", json=body, headers=_bearer(secret, "pay-1")) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201], answers[0].get_data(as_text=True)
    assert answers[0].get_json()["state"] == "direct"
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.scalar(select(func.count()).select_from(PaymentRequest)) == 1
    too_much = client.post("/api/v1/payments", json={**body, "voucher_no": "API-2", "amount_fen": 10**12},
                           headers=_bearer(secret, "pay-2"))
    assert too_much.status_code == 422
    assert too_much.get_json()["errors"][0]["field"]
    assert re.match(r"^[a-z_]+$", too_much.get_json()["errors"][0]["field"])


def test_demo_prints_a_read_token_for_the_leader(app, runner):
    """seed-demo prints the leader's read token once; it reads the API; a second run makes no other."""
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    secret = re.search(r"(ld_[A-Za-z0-9_-]{40,})", first.output).group(1)
    assert app.test_client().get("/api/v1/projects", headers=_bearer(secret)).get_json()["total"] > 0
    second = runner.invoke(args=["seed-demo"])
    assert "made earlier" in second.output and "ld_" not in second.output.replace(secret[:10], "")
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_tokens_page_lists_own_and_revokes(app, client, auth):
    """A user sees only their tokens (never the secret) and revokes one; the token is refused from then on."""
    auth.as_role("leader")
    me = db.session.scalar(select(User).where(User.username == "leader-user"))
    mine = create_token(me, "read", 5)
    others = create_token(factories.make_user("planner", username="someone-else"), "read", 5)
    db.session.commit()
    page = client.get("/account/tokens/").get_data(as_text=True)
    assert mine.token.prefix in page and others.token.prefix not in page and mine.secret not in page
    assert client.post(f"/account/tokens/{others.token.id}/revoke").status_code == 403
    assert client.post(f"/account/tokens/{mine.token.id}/revoke").status_code == 302
    assert client.get("/api/v1/sources", headers=_bearer(mine.secret)).status_code == 401
    assert client.get("/api/v1/sources", headers=_bearer(others.secret)).status_code == 200


def test_payment_waits_for_approval_when_the_source_needs_it(app, client):
    """From a source whose payments need approval the API prepares a waiting request and moves no money."""
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000)
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 2))
    secret = _token(factories.make_user("finance"), "write")
    body = {"source_id": source.id, "project_id": project.id, "milestone_id": milestone.id, "voucher_no": "W-1",
            "payee": "某建设有限公司", "paid_on": "2026-01-05", "amount_fen": 1000, "cost_category": "materials"}
    answer = client.post("/api/v1/payments", json=body, headers=_bearer(secret, "wait-1"))
    assert answer.status_code == 201 and answer.get_json()["state"] == "waiting"
    assert answer.get_json()["payment_id"] is None
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_write_without_idempotency_key_names_the_header(app, client):
    """A write without its Idempotency-Key is refused 422 naming the header."""
    secret = _token(factories.make_user("finance"), "write")
    response = client.post("/api/v1/payments", json={}, headers=_bearer(secret))
    assert response.status_code == 422
    assert "Idempotency-Key" in {error["field"] for error in response.get_json()["errors"]}

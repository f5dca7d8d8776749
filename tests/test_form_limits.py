"""Text fields hold no more than the server accepts: every text box a page sends by POST carries a
maxlength (from its form's Length validator, or its field's own limit), and a form over the size the
server reads comes back as its page with a message instead of a bare error."""
from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from sqlalchemy import select

from assets.models import Asset
from extensions import db
from funds.ledger import services as ledger
from projects.models import Project
from tests import factories

EN = {"Accept-Language": "en"}
TEXT_TYPES = {"text", "search", "password", "email", "tel", "url", ""}


class UnboundedFields(HTMLParser):
    """Collects the text inputs and text areas of POST forms that carry no maxlength."""

    def __init__(self):
        super().__init__()
        self.in_post_form = False
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "form":
            self.in_post_form = (values.get("method") or "get").lower() == "post"
        elif self.in_post_form and tag in ("input", "textarea"):
            kind = (values.get("type") or "").lower()
            if (tag == "textarea" or kind in TEXT_TYPES) and not values.get("maxlength"):
                self.found.append(values.get("name") or "?")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


def _unbounded(html: str) -> list[str]:
    parser = UnboundedFields()
    parser.feed(html)
    return parser.found


def _objects():
    project = factories.make_project(code="SP-L-001")
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000, code="FIS-L")
    ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date(2026, 1, 2))
    payment = ledger.record_payment(source, project, milestone, voucher_no="V-L", payee="某公司",
                                    paid_on=date(2026, 1, 3), amount_fen=100, cost_category="materials")
    factories.make_rule("wage_share_floor")
    user = factories.make_user("leader", username="limits-target")
    db.session.add(Asset(project_id=project.id, asset_class="public_welfare", name="通村公路", value_fen=100))
    db.session.commit()
    return project, milestone, source, payment, user


def test_every_text_field_of_every_form_has_a_maxlength(client, auth):
    """On each page with forms, as the role that uses them, no text box of a POST form is unbounded."""
    project, milestone, source, payment, user = _objects()
    pages = {
        "finance": [f"/funds/sources/{source.id}", f"/funds/sources/{source.id}/payments/new",
                    f"/funds/sources/{source.id}/allocations", f"/funds/sources/{source.id}/appropriations",
                    f"/funds/payments/{payment.id}/reverse", "/funds/sources/new", f"/funds/sources/{source.id}/edit",
                    f"/funds/sources/{source.id}/reconcile", "/funds/rules/new?kind=negative_list", "/funds/rules/1",
                    "/account/password"],
        "planner": ["/projects/new", f"/projects/{project.id}", f"/projects/{project.id}/edit",
                    f"/projects/milestones/{milestone.id}/edit", "/assets/1/edit", "/assets/1/handover",
                    f"/assets/projects/{project.id}/new"],
        "admin": ["/admin/users/new", f"/admin/users/{user.id}", f"/funds/sources/{source.id}"],
    }
    for role, urls in pages.items():
        auth.as_role(role)
        for url in urls:
            response = client.get(url, headers=EN)
            assert response.status_code == 200, (role, url)
            assert _unbounded(response.data.decode()) == [], (role, url)
        auth.logout()
    assert _unbounded(client.get("/login").data.decode()) == []


def test_a_form_over_the_size_the_server_reads_comes_back_with_a_message(client, auth):
    """600,000 characters pasted into a project's description (past the browser's maxlength) bring the
    edit page back with a message; nothing is saved."""
    project = factories.make_project(code="SP-L-002", description="原有内容")
    db.session.commit()
    auth.as_role("planner")
    url = f"/projects/{project.id}/edit"
    response = client.post(url, data={"code": "SP-L-002", "name": "x", "description": "长" * 600_000},
                           headers={**EN, "Referer": f"http://localhost{url}"})
    assert response.status_code == 303 and response.headers["Location"] == url
    page = client.get(url, headers=EN).data.decode()
    assert "The form was too large for the server" in page and 'name="description"' in page
    assert db.session.scalar(select(Project.description).where(Project.id == project.id)) == "原有内容"


def test_a_post_only_action_over_the_size_goes_back_to_the_page_it_came_from(client, auth):
    """A progress report (a form on the project page, its address POST only) goes back to that page."""
    project = factories.make_project(code="SP-L-003")
    milestone = factories.make_milestone(project)
    db.session.commit()
    auth.as_role("planner")
    response = client.post(f"/projects/milestones/{milestone.id}/progress",
                           data={"progress_pct": "10", "note": "x" * 600_000},
                           headers={**EN, "Referer": f"http://localhost/projects/{project.id}"})
    assert response.status_code == 303 and response.headers["Location"] == f"/projects/{project.id}"
    elsewhere = client.post(f"/projects/milestones/{milestone.id}/progress", data={"note": "x" * 600_000},
                            headers={**EN, "Referer": "http://evil.example/projects/1"})
    assert elsewhere.headers["Location"] == "/"

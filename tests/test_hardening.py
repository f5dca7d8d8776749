"""Hardening: double submissions, security headers, escaping, upload limits, error pages."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.models import Payment
from projects.models import Project
from tests import factories

EN = {"Accept-Language": "en"}


def test_double_submitted_payment_is_stored_once(client, auth):
    """The same payment form sent twice (double click, back and resubmit) records one payment."""
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(pays_directly=True, received_fen=1_000_000)
    ledger.allocate(source, project, delta_fen=500_000, entry_date=date(2026, 1, 2))
    db.session.commit()
    auth.as_role("finance")
    form = {"project_id": project.id, "milestone_id": milestone.id, "voucher_no": "记-D-1", "payee": "某公司",
            "paid_on": "2026-02-01", "amount": "100", "cost_category": "materials", "once": "token-abc"}
    first = client.post(f"/funds/sources/{source.id}/payments/new", data=form)
    second = client.post(f"/funds/sources/{source.id}/payments/new", data=form, follow_redirects=True, headers=EN)
    assert first.status_code == 302
    assert b"already submitted and saved" in second.data
    assert db.session.scalar(select(func.count(Payment.id))) == 1


def test_double_submitted_project_is_stored_once(client, auth):
    """Creating a project twice from one form makes one project."""
    area = factories.make_area()
    db.session.commit()
    auth.as_role("planner")
    form = {"code": "SP-D-1", "name": "重复提交测试", "category": "road", "area_id": area.id, "budget_fen": "100",
            "status": "proposed", "once": "token-xyz"}
    client.post("/projects/new", data=form)
    client.post("/projects/new", data=form)
    assert db.session.scalar(select(func.count(Project.id))) == 1


def test_security_headers_on_every_response(client, auth):
    """CSP (no plugins, no framing), nosniff, referrer policy everywhere; no-store on signed-in pages."""
    anonymous = client.get("/login")
    csp = anonymous.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert anonymous.headers["X-Content-Type-Options"] == "nosniff"
    assert anonymous.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in anonymous.headers
    auth.as_role("finance")
    assert client.get("/funds/").headers["Cache-Control"] == "no-store"


def test_hsts_when_served_over_https(client):
    """Over HTTPS the browser is told to stay on HTTPS."""
    response = client.get("/login", base_url="https://liandong.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_script_in_a_project_name_renders_as_text(client, auth):
    """A project named <script>…</script> is shown, escaped, never run."""
    factories.make_project(name="<script>alert(1)</script>")
    db.session.commit()
    auth.as_role("leader")
    page = client.get("/projects/").data.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_error_pages_leak_nothing(client, auth, app):
    """A crash shows a plain page in the user's language, no traceback."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():  # pragma: no cover - only for this test
        raise RuntimeError("secret internals")
    boom.access_rule = ("public", ())
    response = client.get("/boom", headers=EN)
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert b"Nothing was saved" in response.data


def test_a_writer_lock_held_past_the_busy_timeout_is_a_busy_page_not_a_crash(client, app):
    """SQLite's "database is locked" after the busy timeout: 503 saying nothing was saved; any other
    database failure stays a 500."""
    from sqlalchemy.exc import OperationalError

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/locked")
    def locked():  # pragma: no cover - only for this test
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
    locked.access_rule = ("public", ())

    @app.route("/broken")
    def broken():  # pragma: no cover - only for this test
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))
    broken.access_rule = ("public", ())

    response = client.get("/locked", headers=EN)
    assert response.status_code == 503
    assert b"busy: nothing was saved" in response.data and b"Traceback" not in response.data
    assert client.get("/broken", headers=EN).status_code == 500


def test_upload_over_the_limit_is_refused_clearly(client, auth, app):
    """A body over MAX_CONTENT_LENGTH is not a bare error page: the form's page comes back saying it was
    too large."""
    app.config["MAX_CONTENT_LENGTH"] = 1024
    auth.as_role("planner")
    response = client.post("/login", data={"username": "x" * 5000, "password": "y"}, headers=EN)
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    page = client.get(response.headers["Location"], headers=EN)
    assert b"too large" in page.data and b'name="username"' in page.data


def test_other_users_objects_by_id(client, auth):
    """IDs in URLs do not open doors: a planner cannot reverse a payment or edit an account by id."""
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(pays_directly=True, received_fen=1_000)
    ledger.allocate(source, project, delta_fen=500, entry_date=date(2026, 1, 2))
    payment = ledger.record_payment(source, project, milestone, voucher_no="V", payee="P", paid_on=date(2026, 1, 3),
                                    amount_fen=100, cost_category="materials")
    admin = factories.make_user("admin", username="the-admin")
    db.session.commit()
    auth.as_role("planner")
    assert client.post(f"/funds/payments/{payment.id}/reverse", data={"voucher_no": "R", "reversed_on": "2026-01-04",
                                                                      "reason": "x"}).status_code == 403
    assert client.post(f"/admin/users/{admin.id}/disable").status_code == 403
    assert client.get("/projects/999999").status_code == 404
    assert db.session.scalar(select(func.count(Payment.id))) == 1

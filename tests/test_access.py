"""Every route has an access rule, and each kind of visitor gets exactly what the matrix says."""
from __future__ import annotations

import pytest

from extensions import db
from tests import factories

ROLES = ("admin", "planner", "finance", "leader", "auditor")
EVERYONE = set(ROLES)

# endpoint -> (method, url template, roles that may use it). Anonymous visitors are sent to sign in.
MATRIX = {
    "auth.home": ("GET", "/", "public"),
    "auth.login": ("GET", "/login", "public"),
    "auth.set_language": ("GET", "/lang/en", "public"),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "projects.index": ("GET", "/projects/", EVERYONE),
    "projects.detail": ("GET", "/projects/{project}", EVERYONE),
    "funds.index": ("GET", "/funds/", EVERYONE),
    "funds.source": ("GET", "/funds/sources/{source}", EVERYONE),
    "reports.index": ("GET", "/reports/", EVERYONE),
    "audit.index": ("GET", "/audit/", {"admin", "auditor"}),
    "admin.users": ("GET", "/admin/", {"admin"}),
    "admin.create": ("GET", "/admin/users/new", {"admin"}),
    "admin.edit": ("GET", "/admin/users/{user}", {"admin"}),
    "admin.disable": ("POST", "/admin/users/{user}/disable", {"admin"}),
    "admin.enable": ("POST", "/admin/users/{user}/enable", {"admin"}),
}


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
        if allowed == "public":
            assert kind == "public", endpoint
        else:
            assert (kind, set(roles)) == ("roles", allowed), endpoint


def _objects():
    project = factories.make_project()
    source = factories.make_source()
    target = factories.make_user("leader", username="target-user")
    db.session.commit()
    return {"project": project.id, "source": source.id, "user": target.id}


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
        response = client.open(url, method=method)
        if allowed == "public":
            assert response.status_code in (200, 302), (visitor, endpoint)
        elif visitor == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], endpoint
        elif visitor in allowed:
            assert response.status_code in (200, 302), (visitor, endpoint, response.status_code)
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

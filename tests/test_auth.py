"""Signing in and out: the same answer for unknown users and wrong passwords; sessions end for real."""
from __future__ import annotations

from sqlalchemy import select

from audit.models import AuditEvent
from auth.models import User
from extensions import db
from tests import factories


def test_login_lands_on_the_role_page_and_logout_ends_it(client, auth):
    """A planner signs in, lands on the project list, signs out and is sent to sign in again."""
    factories.make_user("planner", username="wang")
    db.session.commit()
    response = auth.login("wang")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/projects/")
    assert client.get("/projects/").status_code == 200
    assert auth.logout().status_code == 302
    response = client.get("/projects/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_and_unknown_user_get_the_same_message(client, auth):
    """Nobody can learn which usernames exist from the sign-in page."""
    factories.make_user("finance", username="li")
    db.session.commit()
    wrong = auth.login("li", "Wrong-pass-1", headers={"Accept-Language": "en"})
    unknown = auth.login("nobody", "Wrong-pass-1", headers={"Accept-Language": "en"})
    assert wrong.status_code == unknown.status_code == 401
    message = b"Wrong username or password, or the account is disabled."
    assert message in wrong.data and message in unknown.data
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.outcome == "denied")).all()
    assert actions == ["login.failed", "login.failed"]


def test_disabled_account_cannot_sign_in(client, auth):
    """A disabled account is refused with the same message."""
    factories.make_user("leader", username="zhao", active=False)
    db.session.commit()
    assert auth.login("zhao").status_code == 401


def test_copied_session_cookie_is_useless_after_logout(app, client, auth):
    """Signing out rotates the server-side token, so a copy of the old cookie no longer works."""
    factories.make_user("finance", username="qian")
    db.session.commit()
    auth.login("qian")
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/funds/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_disabling_a_user_ends_their_session(app, client, auth):
    """When an admin disables an account its open session stops working at once."""
    user = factories.make_user("planner", username="sun")
    db.session.commit()
    auth.login("sun")
    assert client.get("/projects/").status_code == 200
    user.active = False
    user.rotate_session_token()
    db.session.commit()
    assert client.get("/projects/").status_code == 302


def test_login_records_audit_events_without_secrets(client, auth):
    """Sign-in and sign-out are audited and no password appears in the trail."""
    factories.make_user("auditor", username="zhou")
    db.session.commit()
    auth.login("zhou")
    auth.logout()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["login", "logout"]
    assert all(factories.PASSWORD not in str(e.after) + str(e.before) for e in events)
    assert db.session.scalar(select(User.last_login_at).where(User.username == "zhou")) is not None


def test_next_parameter_only_follows_local_paths(client, auth):
    """After sign-in, `next` may send the user to a page of ours, never to another site."""
    factories.make_user("leader", username="wu")
    db.session.commit()
    response = client.post("/login?next=https://evil.example/", data={"username": "wu", "password": factories.PASSWORD})
    assert "evil.example" not in response.headers["Location"]
    auth.logout()
    response = client.post("/login?next=/funds/", data={"username": "wu", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/funds/"


def test_navigation_fits_the_role(client, auth):
    """A leader sees no Accounts or Audit links; an admin sees both."""
    auth.as_role("leader")
    page = client.get("/reports/", headers={"Accept-Language": "en"}).data
    assert b"Reports" in page and b"Accounts" not in page and b"Audit trail" not in page
    auth.logout()
    auth.as_role("admin")
    page = client.get("/reports/", headers={"Accept-Language": "en"}).data
    assert b"Accounts" in page and b"Audit trail" in page

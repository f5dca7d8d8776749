"""Accounts and sessions resist guessing and theft: policy, lockout, expiry, forced changes."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from audit.models import AuditEvent
from auth.models import SignInThrottle
from auth.passwords import password_problem
from core.clock import utcnow
from extensions import db
from tests import factories

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("password, accepted", [
    ("Correct-Horse-42", True), ("长城-Great-Wall-9", True), ("x" * 60 + "Aa1!", True),
    ("Short1!", False), ("alllowercase1", False), ("Alllowercase1", True),
    ("P@ssw0rd2026!", False), ("Password1", False), ("Admin@123", False), ("Qwerty123!", False),
    ("Shuangpai@2026", False), ("Liandong#1", False),
], ids=lambda value: str(value)[:20])
def test_password_policy(password, accepted):
    """Length, three kinds of character, and the bundled common list (with substitutions undone)."""
    assert (password_problem(password) is None) is accepted


def test_password_may_not_contain_username():
    """The username inside the password is refused."""
    assert password_problem("Zhangsan-2026!", "zhangsan") is not None
    assert password_problem("Zhangsan-2026!", "lisi") is None


def test_five_failures_lock_the_account_with_the_same_message(client, auth, app):
    """After five wrong passwords even the right one is refused for five minutes; the lockout is audited."""
    factories.make_user("finance", username="cashier")
    db.session.commit()
    for _ in range(5):
        assert auth.login("cashier", "Wrong-Pass-1", headers=EN).status_code == 401
    locked = auth.login("cashier", factories.PASSWORD, headers=EN)
    assert locked.status_code == 401 and b"Wrong username or password" in locked.data
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("account.lockout") == 1 and actions[-1] == "login.locked"
    db.session.execute(update(SignInThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))  # time passes
    db.session.commit()
    assert auth.login("cashier", factories.PASSWORD).status_code == 302


def test_idle_session_expires(client, auth, app):
    """A session untouched for longer than the idle limit is signed out."""
    auth.as_role("leader")
    assert client.get("/reports/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_absolute_session_lifetime(client, auth, app):
    """Even an active session ends twelve hours after sign-in."""
    auth.as_role("leader")
    with client.session_transaction() as session:
        session["started"] = int(time.time()) - 12 * 3600 - 5
    assert "/login" in client.get("/reports/").headers["Location"]


def test_old_password_must_be_changed(client, auth, app):
    """A password older than 90 days sends the user to the change page until it is changed."""
    user = factories.make_user("planner", username="oldtimer")
    user.password_changed_at = utcnow() - timedelta(days=91)
    db.session.commit()
    auth.login("oldtimer")
    assert client.get("/projects/").headers["Location"].endswith("/account/password")
    refused = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                     "new_password": factories.PASSWORD,
                                                     "confirm": factories.PASSWORD}, headers=EN)
    assert b"different from the current one" in refused.data
    client.post("/account/password", data={"current_password": factories.PASSWORD,
                                            "new_password": "Fresh-Start-77", "confirm": "Fresh-Start-77"})
    assert client.get("/projects/").status_code == 200


def test_password_change_ends_other_sessions(app, client, auth):
    """Changing the password signs out every other copy of the session."""
    factories.make_user("finance", username="twice")
    db.session.commit()
    auth.login("twice")
    other = app.test_client()
    other.post("/login", data={"username": "twice", "password": factories.PASSWORD})
    assert other.get("/funds/").status_code == 200
    client.post("/account/password", data={"current_password": factories.PASSWORD,
                                            "new_password": "Brand-New-2027", "confirm": "Brand-New-2027"})
    assert client.get("/funds/").status_code == 200
    assert "/login" in other.get("/funds/").headers["Location"]


def test_admin_reset_password_forces_a_change(client, auth):
    """A password an administrator sets must be replaced by its owner at next sign-in."""
    target = factories.make_user("leader", username="boss")
    db.session.commit()
    auth.as_role("admin")
    client.post(f"/admin/users/{target.id}", data={"role": "leader", "display_name": "", "new_password": "Temp-Pass-55"})
    auth.logout()
    auth.login("boss", "Temp-Pass-55")
    assert client.get("/reports/").headers["Location"].endswith("/account/password")

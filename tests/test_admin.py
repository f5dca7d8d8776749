"""Administrators manage accounts from the web and the CLI; the last admin cannot be locked out."""
from __future__ import annotations

from sqlalchemy import func, select

from audit.models import AuditEvent
from auth.models import User
from extensions import db
from tests import factories


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def test_fresh_database_has_no_account(app):
    """A new, non-demo database has no account until one is created from the CLI."""
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_cli_creates_account_with_password_from_environment(runner, client, auth):
    """`flask users create NAME --role ROLE` takes LIANDONG_PASSWORD and the account can sign in."""
    result = runner.invoke(args=["users", "create", "chief", "--role", "admin"],
                           env={"LIANDONG_PASSWORD": "Strong-Pass-99"})
    assert result.exit_code == 0, result.output
    assert _user("chief").role == "admin"
    assert auth.login("chief", "Strong-Pass-99").status_code == 302
    forced = client.get("/admin/")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/account/password")
    client.post("/account/password", data={"current_password": "Strong-Pass-99", "new_password": "Mine-Only-2027",
                                            "confirm": "Mine-Only-2027"})
    assert client.get("/admin/").status_code == 200


def test_cli_prompts_for_password_when_environment_is_silent(runner, monkeypatch):
    """Without LIANDONG_PASSWORD the command asks twice for the password."""
    monkeypatch.delenv("LIANDONG_PASSWORD", raising=False)
    result = runner.invoke(args=["users", "create", "clerk", "--role", "finance"],
                           input="Strong-Pass-99\nStrong-Pass-99\n")
    assert result.exit_code == 0, result.output
    assert _user("clerk").check_password("Strong-Pass-99")


def test_cli_refuses_weak_password_and_unknown_role(runner):
    """A weak password or an unknown role creates nothing and exits non-zero."""
    weak = runner.invoke(args=["users", "create", "weak", "--role", "planner"], env={"LIANDONG_PASSWORD": "abc"})
    bad_role = runner.invoke(args=["users", "create", "odd", "--role", "king"], env={"LIANDONG_PASSWORD": "Strong-Pass-99"})
    assert weak.exit_code != 0 and "password" in weak.output
    assert bad_role.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_cli_disable_enable_and_set_role(runner):
    """Accounts are disabled, re-enabled and given another role from the shell."""
    factories.make_user("planner", username="ma")
    db.session.commit()
    assert runner.invoke(args=["users", "disable", "ma"]).exit_code == 0
    assert _user("ma").active is False
    assert runner.invoke(args=["users", "enable", "ma"]).exit_code == 0
    assert runner.invoke(args=["users", "set-role", "ma", "finance"]).exit_code == 0
    db.session.expire_all()
    assert (_user("ma").active, _user("ma").role) == (True, "finance")
    listing = runner.invoke(args=["users", "list"]).output
    assert "ma\tfinance\tactive" in listing


def test_admin_creates_account_in_the_web(client, auth):
    """An admin creates a finance account from the form and the event is audited."""
    auth.as_role("admin")
    response = client.post("/admin/users/new", data={"username": "cai", "display_name": "蔡会计",
                                                     "role": "finance", "password": "Strong-Pass-99"})
    assert response.status_code == 302
    assert _user("cai").role == "finance"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).one()
    assert event.username == "admin-user" and event.after["username"] == "cai"
    assert "Strong-Pass-99" not in str(event.after)


def test_create_form_names_the_field_and_stores_nothing(client, auth):
    """A duplicate username is refused on the form, naming the field, with nothing stored."""
    auth.as_role("admin")
    before = db.session.scalar(select(func.count(User.id)))
    response = client.post("/admin/users/new", data={"username": "admin-user", "role": "finance",
                                                     "password": "Strong-Pass-99"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert b"Username: This username is already taken." in response.data
    assert db.session.scalar(select(func.count(User.id))) == before


def test_admin_disables_and_reenables_an_account(client, auth):
    """A disabled account cannot sign in; re-enabled, it can again."""
    target = factories.make_user("leader", username="zheng")
    db.session.commit()
    auth.as_role("admin")
    assert client.post(f"/admin/users/{target.id}/disable", data={"confirmed": "1"}).status_code == 302
    auth.logout()
    assert auth.login("zheng").status_code == 401
    auth.login("admin-user")
    client.post(f"/admin/users/{target.id}/enable")
    auth.logout()
    assert auth.login("zheng").status_code == 302


def test_admin_changes_a_role(client, auth):
    """The edit form changes the role, and the change is audited with before and after."""
    target = factories.make_user("planner", username="feng")
    db.session.commit()
    auth.as_role("admin")
    client.post(f"/admin/users/{target.id}", data={"role": "auditor", "display_name": "冯审计"})
    db.session.expire_all()
    assert _user("feng").role == "auditor"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.update")).one()
    assert (event.before["role"], event.after["role"]) == ("planner", "auditor")


def test_last_admin_cannot_be_disabled_or_demoted(client, auth):
    """The only active admin can neither disable nor demote themself."""
    auth.as_role("admin")
    me = _user("admin-user")
    client.post(f"/admin/users/{me.id}/disable", data={"confirmed": "1"})
    client.post(f"/admin/users/{me.id}", data={"role": "leader", "display_name": ""})
    db.session.expire_all()
    assert (_user("admin-user").active, _user("admin-user").role) == (True, "admin")


def test_resetting_a_password_says_it_must_be_changed_at_next_sign_in(client, auth):
    """The form says a password set by the administrator is temporary, and saving one says the owner
    must choose a new one at the next sign-in (which is then asked)."""
    target = factories.make_user("planner", username="wang")
    db.session.commit()
    auth.as_role("admin")
    form = client.get(f"/admin/users/{target.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "must choose a new one at the next sign-in" in form
    page = client.post(f"/admin/users/{target.id}", data={"role": "planner", "display_name": "王会计",
                                                          "new_password": "Fresh-Start-2026"},
                       headers={"Accept-Language": "en"}, follow_redirects=True).get_data(as_text=True)
    assert "The password was reset: 王会计 must choose a new one at the next sign-in." in page
    db.session.expire_all()
    assert _user("wang").must_change_password is True

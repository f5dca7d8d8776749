"""Sign-in limits: a guesser is stopped at five tries, the owner elsewhere is not, and locking an
account out for everyone takes many addresses (auth.throttle)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from audit.models import AuditEvent
from auth import throttle
from auth.models import User
from extensions import db
from tests import factories

EN = {"Accept-Language": "en"}


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}, "headers": EN}


def _guess(auth, username: str, address: str, times: int, password: str = "Wrong-Guess-1") -> list[int]:
    return [auth.login(username, password, **_from(address)).status_code for _ in range(times)]


def test_a_guesser_is_locked_out_but_the_owner_elsewhere_signs_in(client, auth, app):
    """Five wrong passwords from one address lock the account there only: the owner at the office
    signs in at once, the guesser is refused even with the right password."""
    factories.make_user("finance", username="cashier")
    db.session.commit()
    assert _guess(auth, "cashier", "203.0.113.9", 5) == [401] * 5
    assert auth.login("cashier", factories.PASSWORD, **_from("203.0.113.9")).status_code == 401
    assert auth.login("cashier", factories.PASSWORD, **_from("10.1.2.3")).status_code == 302


def test_many_addresses_lock_the_account_everywhere(client, auth, app):
    """Failures from several addresses add up: at the account's limit it is locked for every
    address (its owner included) — a guesser with many addresses gets no more than that limit."""
    app.config.update(LOGIN_ACCOUNT_MAX_FAILURES=12)
    factories.make_user("finance", username="cashier")
    db.session.commit()
    for number in range(3):
        _guess(auth, "cashier", f"198.51.100.{number}", 4)
    assert auth.login("cashier", factories.PASSWORD, **_from("10.1.2.3")).status_code == 401
    lockouts = db.session.scalars(select(AuditEvent.after).where(AuditEvent.action == "account.lockout")).all()
    assert [event["scope"] for event in lockouts] == ["account"]


def test_spraying_many_accounts_from_one_address_is_refused(client, auth, app):
    """Wrong passwords for many accounts from one address: at the address's limit every sign-in from
    there is refused, a real account's right password too; other addresses are not affected."""
    app.config.update(LOGIN_ADDRESS_MAX_FAILURES=6)
    factories.make_user("finance", username="cashier")
    db.session.commit()
    for number in range(6):
        _guess(auth, f"nobody{number}", "192.0.2.50", 1)
    assert auth.login("cashier", factories.PASSWORD, **_from("192.0.2.50")).status_code == 401
    assert auth.login("cashier", factories.PASSWORD, **_from("192.0.2.51")).status_code == 302


def test_lockouts_in_a_row_last_longer(app):
    """Each lockout of an account at one address lasts twice the one before, up to the ceiling."""
    policy = throttle.Policy(lock_minutes=5, lock_max_minutes=60)
    assert [policy.lock_length(n) for n in (1, 2, 3, 4, 5, 9)] == [timedelta(minutes=m) for m in (5, 10, 20, 40, 60, 60)]
    factories.make_user("finance", username="cashier")
    db.session.commit()
    user_id, now, lengths = db.session.scalar(select(User.id)), datetime(2026, 6, 1, 9), []
    for _ in range(3):
        for _ in range(5):
            gate = throttle.open_gate(user_id, "203.0.113.9", now)
            assert gate.allowed
            _locked, until = throttle.failed(gate, now, policy)
        lengths.append(until - now)
        now = until + timedelta(seconds=1)
    db.session.commit()
    assert lengths == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]


def test_wrong_current_passwords_count_and_end_the_session(client, auth, app):
    """Five wrong current passwords on the password-change page sign the user out and lock the account
    at that address; the audit trail has each refusal."""
    auth.as_role("planner")
    form = {"current_password": "Not-Mine-99", "new_password": "Brand-New-Pass-7", "confirm": "Brand-New-Pass-7"}
    answers = [client.post("/account/password", data=form, headers=EN) for _ in range(5)]
    assert all(b"The current password is wrong" in answer.data for answer in answers[:4])
    assert answers[4].status_code == 302 and answers[4].headers["Location"].endswith("/login")
    assert client.get("/projects/").status_code == 302  # signed out
    assert auth.login("planner-user").status_code == 401  # and locked out from here
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_change")).all()
    assert len(denied) == 5 and {event.outcome for event in denied} == {"denied"}


def test_an_administrators_reset_lifts_the_lock(client, auth, app):
    """A locked-out user whose password the administrator resets can sign in with the new one at once."""
    user = factories.make_user("finance", username="cashier")
    factories.make_user("admin", username="chief")
    db.session.commit()
    _guess(auth, "cashier", "127.0.0.1", 5)
    auth.login("chief")
    client.post(f"/admin/users/{user.id}", data={"role": "finance", "display_name": "",
                                                      "new_password": "Reset-By-Chief-8"})
    auth.logout()
    assert auth.login("cashier", "Reset-By-Chief-8").status_code == 302

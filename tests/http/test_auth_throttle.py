"""Ten failed logins throttle the account and the address."""

from datetime import timedelta

from sqlalchemy import select, update

from counsel.accounts.auth import THROTTLED
from counsel.extensions import db
from counsel.models import AuditEvent, utcnow
from tests.helpers.forms import csrf_token
from tests.helpers.people import PASSWORD

LIMIT = 10


def attempt(client, email: str, password: str, address: str):
    """One login attempt from this client address."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def record_failures(app, count: int, *, subject: str = "", address: str = "", age: int = 0):
    """Failed logins as the login view audits them, `age` seconds ago."""
    with app.app_context():
        for _ in range(count):
            db.session.add(
                AuditEvent(
                    action="login",
                    result="failure",
                    subject=subject,
                    address=address,
                    at=utcnow() - timedelta(seconds=age),
                )
            )
        db.session.commit()


def test_ten_wrong_passwords_throttle_the_account(app, client, member, other_member):
    # Eight failures as the view records them, one more through the form: nine in all.
    record_failures(app, LIMIT - 2, subject=member.email, address="198.51.100.1")
    assert attempt(client, member.email, "wrong password", "198.51.100.2").status_code == 401
    # Nine failures: the right password still works (from yet another address).
    assert attempt(client, member.email, PASSWORD, "203.0.113.1").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert attempt(client, member.email, "wrong password", "198.51.100.99").status_code == 401
    throttled = attempt(client, member.email, PASSWORD, "203.0.113.2")
    assert throttled.status_code == 429
    assert THROTTLED in throttled.get_data(as_text=True)
    assert client.get("/").status_code == 302  # the right password did not log in
    # The account is throttled, not the address: someone else logs in from it.
    assert attempt(client, other_member.email, PASSWORD, "203.0.113.2").status_code == 302


def test_ten_failures_from_one_address_throttle_the_address(app, client, member):
    record_failures(app, LIMIT, subject="someone@example.test", address="192.0.2.7")
    assert attempt(client, member.email, PASSWORD, "192.0.2.7").status_code == 429
    assert attempt(client, member.email, PASSWORD, "192.0.2.8").status_code == 302


def test_throttled_attempts_are_audited_without_checking_the_password(app, client, member):
    record_failures(app, LIMIT, subject=member.email)
    assert attempt(client, member.email, "wrong password", "192.0.2.9").status_code == 429
    with app.app_context():
        results = db.session.scalars(select(AuditEvent.result).order_by(AuditEvent.id)).all()
    assert results[-1] == "throttled" and results.count("failure") == LIMIT


def test_the_throttle_lifts_after_its_window(app, client, member):
    window = app.config["LOGIN_THROTTLE_SECONDS"]
    record_failures(app, LIMIT, subject=member.email, address="192.0.2.10")
    assert attempt(client, member.email, PASSWORD, "192.0.2.10").status_code == 429
    with app.app_context():
        db.session.execute(update(AuditEvent).values(at=utcnow() - timedelta(seconds=window + 1)))
        db.session.commit()
    assert attempt(client, member.email, PASSWORD, "192.0.2.10").status_code == 302

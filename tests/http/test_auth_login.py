"""POST /login: success, uniform failure, safe `next`, disabled accounts, Argon2id."""

import re
import statistics
import time

import pytest
from argon2 import extract_parameters
from sqlalchemy import select

from counsel.accounts.auth import LOGIN_FAILED
from counsel.accounts.passwords import hash_password
from counsel.extensions import db
from counsel.models import AuditEvent, Role
from tests.helpers.forms import CSRF_PATTERN, csrf_token, login
from tests.helpers.people import PASSWORD


def post_login(client, email: str, password: str = PASSWORD, **extra: str):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data)


def audit_trail(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(select(AuditEvent.action, AuditEvent.result, AuditEvent.subject))
        return [tuple(row) for row in rows]


def test_login_opens_the_dashboard_and_is_audited(app, client, member):
    response = post_login(client, member.email)
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").status_code == 200
    assert ("login", "success", member.email) in audit_trail(app)


def test_the_email_is_matched_without_case_or_spaces(client, member):
    assert post_login(client, f"  {member.email.upper()} ").status_code == 302


def comparable(response, email: str) -> str:
    """The page without what must differ: the echoed email and the time-stamped CSRF token."""
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return CSRF_PATTERN.sub("CSRF", page)


def test_wrong_password_unknown_email_and_disabled_account_look_the_same(
    app, client, create_user, member
):
    disabled = create_user(Role.MEMBER, active=False)
    attempts = {
        member.email: post_login(client, member.email, "not the password"),
        "ghost@example.test": post_login(client, "ghost@example.test", "not the password"),
        disabled.email: post_login(client, disabled.email),  # right password, disabled
    }
    pages = {email: comparable(response, email) for email, response in attempts.items()}
    assert {r.status_code for r in attempts.values()} == {401}
    assert len(set(pages.values())) == 1
    assert LOGIN_FAILED in next(iter(pages.values()))
    assert [row[1] for row in audit_trail(app)] == ["failure"] * 3
    assert client.get("/").status_code == 302


def median_seconds(action, runs: int = 3) -> float:
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def test_unknown_email_costs_a_password_check_too(client, member):
    token = csrf_token(client)

    def attempt(email: str):
        return lambda: client.post(
            "/login", data={"email": email, "password": "nope nope", "csrf_token": token}
        )

    known = median_seconds(attempt(member.email))
    unknown = median_seconds(attempt("ghost@example.test"))
    # Without the dummy hash an unknown email answers in about 1% of the time.
    assert unknown > 0.3 * known, (unknown, known)


@pytest.mark.parametrize("target", ["/sessions/7/room", "/admin/sessions?status=ended&page=2"])
def test_next_goes_to_a_page_of_this_site(client, member, target):
    assert post_login(client, member.email, next=target).location == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/\n/evil.example",
        "///evil.example",
        "http:/evil.example",
        " //evil.example",
    ],
)
def test_next_never_leaves_the_site(client, member, target):
    assert post_login(client, member.email, next=target).location == "/"


def test_the_login_page_carries_next_as_text(client):
    page = client.get('/login?next=/x"><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert re.search(r'name="next" type="hidden" value="/x&#34;&gt;&lt;script&gt;', page)


def test_a_logged_in_user_is_sent_to_the_dashboard(client, member):
    login(client, member)
    assert client.get("/login").location == "/"


def test_bad_form_input_is_a_400(client):
    token = csrf_token(client)
    assert (
        client.post("/login", data={"email": "", "password": "x", "csrf_token": token}).status_code
        == 400
    )
    assert (
        client.post(
            "/login", data={"email": "a@example.test", "password": "p" * 257, "csrf_token": token}
        ).status_code
        == 400
    )


def test_passwords_are_hashed_with_argon2id_at_owasp_strength():
    stored = hash_password("a long password")
    parameters = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    # OWASP: Argon2id with at least 19 MiB of memory and 2 iterations.
    assert parameters.memory_cost >= 19 * 1024 and parameters.time_cost >= 2
    assert hash_password("a long password") != stored  # salted

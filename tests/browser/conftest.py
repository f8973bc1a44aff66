"""Real calls: Debian's Chromium with a fake camera, against gunicorn, in a loopback-only netns.

Run: unshare -n sh -c 'ip link set lo up && exec .venv/bin/pytest -m browser tests/browser'
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from counsel.extensions import db
from tests.helpers.apps import make_app
from tests.helpers.browser import Person
from tests.helpers.calls import (
    CHROMIUM,
    CHROMIUM_ARGS,
    GRACE_SECONDS,
    PEOPLE,
    Seeder,
    skip_reason,
    start_call,
)
from tests.helpers.live import LiveServer, free_port
from tests.helpers.people import PASSWORD


@pytest.fixture(scope="session", autouse=True)
def _loopback_only() -> None:
    """Skip outside a loopback-only namespace; under CI run regardless (and fail loudly)."""
    reason = skip_reason()
    if reason and not os.environ.get("CI"):
        pytest.skip(reason)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def live(workdir) -> Iterator[LiveServer]:
    """gunicorn on a fresh SQLite file, with an expert and a member."""
    port = free_port()
    env = {
        "COUNSEL_DATABASE_URL": f"sqlite:///{workdir / 'counsel.db'}",
        "COUNSEL_SECRET_KEY": "browser-test-secret",
        "COUNSEL_UPLOAD_DIR": str(workdir / "uploads"),
        "COUNSEL_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
        "COUNSEL_PRESENCE_GRACE_SECONDS": str(GRACE_SECONDS),
    }
    server = LiveServer(env, port=port, log_path=workdir / "gunicorn.log")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        app = make_app(env["COUNSEL_DATABASE_URL"], workdir, TESTING=False)
    server.seeder = Seeder(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def seeder(live) -> Seeder:
    return live.seeder


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def logins(browser, live) -> dict[str, dict]:
    """Each person logs in once through the real form; tests reuse the cookies."""
    states = {}
    for who, (_role, email, _name) in PEOPLE.items():
        context = browser.new_context(base_url=live.url)
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        states[who] = context.storage_state()
        context.close()
    return states


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, add what each person's browser said and the server's log to the report."""
    report = yield
    if report.failed and hasattr(item, "people"):
        for someone in item.people:
            report.sections.append((f"browser of {someone.who}", someone.report()))
        log = item.funcargs.get("workdir")
        if log and (log / "gunicorn.log").exists():
            report.sections.append(("server log", (log / "gunicorn.log").read_text()[-4000:]))
    return report


@pytest.fixture
def person(request, browser, live, logins, workdir) -> Iterator[Callable[[str], Person]]:
    """person("member") -> a logged-in browser context with one page; closed after the test."""
    opened: list[Person] = []
    request.node.people = opened

    def _open(who: str) -> Person:
        context = browser.new_context(
            base_url=live.url, storage_state=logins[who], permissions=["camera", "microphone"]
        )
        opened.append(Person(who, context))
        return opened[-1]

    yield _open
    for someone in opened:
        someone.close()


@pytest.fixture
def call(person, seeder) -> tuple[Person, Person, int]:
    """The expert and the member in a connected call of a new session."""
    return start_call(person, seeder)

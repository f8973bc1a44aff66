"""Real calls: Debian's Chromium with a fake camera, against gunicorn, in a loopback-only netns.

Run: unshare -n sh -c 'ip link set lo up && exec .venv/bin/pytest -m browser tests/browser'
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, ExpertProfile, Role, Status, User
from tests.browser.people import Person
from tests.conftest import PASSWORD, PASSWORD_HASH, make_app
from tests.helpers.live import LiveServer, free_port

CHROMIUM = "/usr/bin/chromium"
# No --use-fake-ui-for-media-stream: it grants every request, even a camera the person
# blocked; the contexts grant camera and microphone instead (and a test can block one).
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    # Without camera or microphone permission Chromium hides host candidates behind mDNS
    # names, which nothing resolves in a loopback-only namespace (a real LAN does).
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RUN_HINT = "unshare -n sh -c 'ip link set lo up && exec .venv/bin/pytest -m browser tests/browser'"
# Short, so that the "reconnecting, then left" scenario does not wait a minute.
GRACE_SECONDS = 6
# Who is who: the key names a person in the tests; (role, email, name). Lou logs out, which
# ends every login of that user, so the others' shared cookies must not be Lou's.
PEOPLE = {
    "expert": ("expert", "expert@browser.test", "Erin Expert"),
    "member": ("member", "member@browser.test", "Mia Member"),
    "lou": ("member", "lou@browser.test", "Lou Leaver"),
}


def network_interfaces() -> set[str]:
    """Interfaces of this process's network namespace (/sys/class/net shows the host's)."""
    lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    return {line.split(":", 1)[0].strip() for line in lines}


def _skip_reason() -> str | None:
    """Why this machine cannot run real calls here, or None."""
    if network_interfaces() != {"lo"}:
        return f"browser tests need a loopback-only network namespace ({RUN_HINT})"
    if not Path(CHROMIUM).exists():
        return "browser tests need Debian's Chromium: apt-get install -y chromium"
    return None


@pytest.fixture(scope="session", autouse=True)
def _loopback_only() -> None:
    """Skip outside a loopback-only namespace; under CI run regardless (and fail loudly)."""
    reason = _skip_reason()
    if reason and not os.environ.get("CI"):
        pytest.skip(reason)


class Seeder:
    """The test database, written in-process while gunicorn serves it (SQLite WAL)."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            self.users = {who: self._user(*PEOPLE[who]) for who in PEOPLE}

    def _user(self, role: str, email: str, name: str) -> int:
        user = User(email=email, name=name, role=Role(role), password_hash=PASSWORD_HASH)
        if user.role is Role.EXPERT:
            user.profile = ExpertProfile(display_name=name, specialty="Listening")
        db.session.add(user)
        db.session.commit()
        return user.id

    def accepted_session(self, member: str = "member", topic: str = "Feeling stuck") -> int:
        """A new session between the expert and the member, accepted, ready for a call."""
        with self.app.app_context():
            cs = CounselingSession(
                member_id=self.users[member],
                expert_id=self.users["expert"],
                topic=topic,
                status=Status.ACCEPTED,
            )
            db.session.add(cs)
            db.session.commit()
            return cs.id

    def status(self, session_id: int) -> str:
        with self.app.app_context():
            return str(db.session.get(CounselingSession, session_id).status)


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


def start_call(person, seeder, member: str = "member") -> tuple[Person, Person, int]:
    """The expert and a member in a connected call of a new session."""
    session_id = seeder.accepted_session(member)
    expert, someone = person("expert"), person(member)
    expert.open_room(session_id)
    someone.open_room(session_id)
    for each in (expert, someone):
        each.wait_connected()
    return expert, someone, session_id


@pytest.fixture
def call(person, seeder) -> tuple[Person, Person, int]:
    """The expert and the member in a connected call of a new session."""
    return start_call(person, seeder)

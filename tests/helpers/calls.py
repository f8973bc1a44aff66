"""Real calls in Debian's Chromium: its flags, who is who, the seeded database, a started call."""

from collections.abc import Callable
from pathlib import Path

from counsel.extensions import db
from counsel.models import CounselingSession, ExpertProfile, Role, Status, User
from tests.helpers.browser import Person
from tests.helpers.people import PASSWORD_HASH

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


def skip_reason() -> str | None:
    """Why this machine cannot run real calls here, or None."""
    if network_interfaces() != {"lo"}:
        return f"browser tests need a loopback-only network namespace ({RUN_HINT})"
    if not Path(CHROMIUM).exists():
        return "browser tests need Debian's Chromium: apt-get install -y chromium"
    return None


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
        return self.new_session(Status.ACCEPTED, member, topic)

    def new_session(
        self, status: Status, member: str = "member", topic: str = "Feeling stuck"
    ) -> int:
        """A new session between the expert and the member, in the given status."""
        with self.app.app_context():
            cs = CounselingSession(
                member_id=self.users[member],
                expert_id=self.users["expert"],
                topic=topic,
                status=status,
            )
            db.session.add(cs)
            db.session.commit()
            return cs.id

    def status(self, session_id: int) -> str:
        with self.app.app_context():
            return str(db.session.get(CounselingSession, session_id).status)


def start_call(
    person: Callable[[str], Person], seeder: Seeder, member: str = "member"
) -> tuple[Person, Person, int]:
    """The expert and a member in a connected call of a new session."""
    session_id = seeder.accepted_session(member)
    expert, someone = person("expert"), person(member)
    expert.open_room(session_id)
    someone.open_room(session_id)
    for each in (expert, someone):
        each.wait_connected()
    return expert, someone, session_id

"""A real call across two servers: the member's page on one, the expert's on the other.

Inside the loopback-only namespace the machine's PostgreSQL is reached through its Unix socket
(sockets on the file system cross network namespaces); Redis is a private redis-server.
"""

import os
from collections.abc import Iterator

import pytest

from counsel.extensions import db
from tests.helpers.apps import make_app
from tests.helpers.browser import Person
from tests.helpers.calls import PEOPLE, Seeder
from tests.helpers.live import LiveServer
from tests.helpers.people import PASSWORD
from tests.helpers.services import fresh_postgres_database, reachable_postgres
from tests.helpers.topology import RedisServer, new_prefix, redis_env, servers

pytestmark = pytest.mark.browser

POSTGRES_SOCKET_URL = os.environ.get(
    "COUNSEL_TEST_POSTGRES_SOCKET_URL",
    "postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql",
)


@pytest.fixture(scope="module")
def postgres_by_socket():
    yield from reachable_postgres(POSTGRES_SOCKET_URL, "PostgreSQL (Unix socket)")


@pytest.fixture(scope="module")
def two(postgres_by_socket, tmp_path_factory) -> Iterator[tuple[list[LiveServer], Seeder]]:
    """Two servers, one worker each, on one PostgreSQL database and one Redis."""
    folder = tmp_path_factory.mktemp("two-servers")
    redis_server = RedisServer(folder).start()
    with fresh_postgres_database(postgres_by_socket) as url:
        app = make_app(url, folder, TESTING=False)
        env = {
            "COUNSEL_DATABASE_URL": url,
            "COUNSEL_SECRET_KEY": "two-servers-secret",
            "COUNSEL_UPLOAD_DIR": str(folder / "uploads"),
            "COUNSEL_WORKERS": "1",
            **redis_env(redis_server.url, new_prefix()),
        }
        make = lambda n: LiveServer(env, log_path=folder / f"server-{n}.log")  # noqa: E731
        try:
            with servers(make, 2) as started:
                yield started, Seeder(app)
        finally:
            redis_server.stop()
            with app.app_context():
                db.engine.dispose()


def logged_in(browser, server: LiveServer, who: str) -> Person:
    """A person whose browser logs in and talks to this server only."""
    context = browser.new_context(base_url=server.url, permissions=["camera", "microphone"])
    someone = Person(who, context)
    someone.page.goto("/login")
    someone.page.fill("#email", PEOPLE[who][1])
    someone.page.fill("#password", PASSWORD)
    someone.page.click("form button[type=submit]")
    someone.page.wait_for_url(lambda url: "/login" not in url)
    return someone


def test_call_across_two_servers_connects_and_chats(request, browser, two):
    (member_side, expert_side), seeder = two
    session_id = seeder.accepted_session()
    member = logged_in(browser, member_side, "member")
    expert = logged_in(browser, expert_side, "expert")
    request.node.people = [member, expert]
    try:
        expert.open_room(session_id)
        member.open_room(session_id)
        took = {p.who: p.wait_connected() for p in (expert, member)}
        print(f"\ncall across two servers: connected after {took}")
        for p in (expert, member):
            p.video_flowing()
        member.say("across the servers")
        expert.wait_for_line("across the servers")
        expert.say("and back")
        member.wait_for_line("and back")
    finally:
        for p in (member, expert):
            p.close()

"""Two servers on a fresh PostgreSQL database and a private Redis these tests may stop.

The room fixtures (people, new_session, connect, pair) are the /ertc suite's own
(tests/helpers/room_fixtures.py); here the member's socket is on the first server and the
expert's on the second.
"""

import pytest

from tests.helpers.stack import Stack, two_server_stack
from tests.helpers.topology import RedisServer, new_prefix


@pytest.fixture(scope="package")
def private_redis(tmp_path_factory) -> RedisServer:
    """A redis-server of our own on a free port (never the machine's Redis)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def redis_prefix() -> str:
    return new_prefix()


@pytest.fixture(scope="package")
def stack(postgres_server, private_redis, redis_prefix, tmp_path_factory) -> Stack:
    """The member's server and the expert's server, one worker each, on the private Redis."""
    folder = tmp_path_factory.mktemp("multi")
    with two_server_stack(postgres_server, private_redis.url, redis_prefix, folder) as stack:
        yield stack

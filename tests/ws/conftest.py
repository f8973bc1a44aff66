"""The /ertc suite runs every test on two topologies (tests/helpers/stack.py): one server on
SQLite, then two servers on PostgreSQL and Redis. The room fixtures (people, new_session,
connect, pair) come from tests/helpers/room_fixtures.py and use this `stack`."""

import pytest

from tests.helpers.stack import TOPOLOGIES, one_server, two_servers


@pytest.fixture(scope="package", params=TOPOLOGIES)
def stack(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ertc")
    if request.param == "two-servers":
        yield from two_servers(request, folder)
        return
    yield from one_server(folder)

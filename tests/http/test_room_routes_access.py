"""Who may reach the room, summary, ICE, ledger, upload and download: the whole matrix."""

import pytest

from counsel.models import Role
from tests.helpers.forms import ANY_PAGE, csrf_token
from tests.helpers.roomkit import SAMPLES, add_file, audit_events, client_for, upload

S1_TOPIC = "S1 private topic: lighthouse-7731"
S1_BYTES = b"S1 file bytes: marmalade-4420"
UNKNOWN = 987_654

# Expected status for S1 (M1, E1); anything not listed is 403.
OWN = {"room": 200, "summary": 200, "ice": 200, "ledger": 200, "upload": 201, "download": 200}
EXPECTED = {
    "anonymous": {
        "room": 302,
        "summary": 302,
        "ice": 401,
        "ledger": 401,
        "upload": 401,
        "download": 302,
    },
    "member": OWN,
    "expert": OWN,
    "other_member": {},
    "other_expert": {},
    "admin": {"summary": 200, "ledger": 200, "download": 200},
}
PATHS = {
    "room": "/sessions/{sid}/room",
    "summary": "/sessions/{sid}/summary",
    "ice": "/sessions/{sid}/ice",
    "ledger": "/sessions/{sid}/ledger",
    "upload": "/sessions/{sid}/files",
    "download": "/files/{fid}",
}


@pytest.fixture
def world(app, create_user, create_session, member, expert):
    """S1 = (M1, E1) between two sessions of strangers, each with one file."""
    m3, e3 = create_user(Role.MEMBER), create_user(Role.EXPERT)
    before = create_session(m3, e3)
    s1 = create_session(member, expert, topic=S1_TOPIC)
    after = create_session(m3, e3)
    ids = [add_file(app, before, m3), add_file(app, s1, member, S1_BYTES), add_file(app, after, e3)]
    return [
        ("S1", s1.id, ids[1]),
        ("S1±1", before.id, ids[0]),
        ("S1±1", after.id, ids[2]),
        ("unknown", UNKNOWN, UNKNOWN),
    ]


def call(client, token, route: str, sid: int, fid: int):
    """One request of the matrix; uploads carry a valid token of the client's own session."""
    path = PATHS[route].format(sid=sid, fid=fid)
    if route == "upload":
        return upload(client, sid, SAMPLES["text/plain"], token=token)
    with client.get(path) as response:  # closes the file a download holds open
        response.get_data()
    return response


def denials(app) -> int:
    return [event[1] for event in audit_events(app)].count("denied")


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_access_matrix(app, world, request, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(app, user)
    token = csrf_token(client, ANY_PAGE if user is not None else "/login")
    denied_before = denials(app)
    seen, wanted = {}, {}
    for label, sid, fid in world:
        for route in PATHS:
            response = call(client, token, route, sid, fid)
            seen[(label, route, sid)] = response.status_code
            wanted[(label, route, sid)] = _expected(who, label, route)
            if response.status_code >= 400:
                body = response.get_data()
                assert S1_TOPIC.encode() not in body and S1_BYTES not in body
    assert seen == wanted
    assert denials(app) - denied_before == list(seen.values()).count(403)


def _expected(who: str, label: str, route: str) -> int:
    expected = EXPECTED[who]
    if who == "anonymous":
        return expected[route]
    if label == "unknown":
        return 404
    if label == "S1±1":
        return 200 if who == "admin" and route in expected else 403
    return expected.get(route, 403)


def test_participants_read_s1_bytes_and_no_one_else(app, world, member, other_member):
    f1 = world[0][2]
    with client_for(app, member).get(f"/files/{f1}") as response:
        assert response.data == S1_BYTES
    assert client_for(app, other_member).get(f"/files/{f1}").status_code == 403
    assert ("access", "denied", f"file:{f1}") in audit_events(app)

"""Per-session upload quotas: a count and a total size, refused with a clear JSON error."""

import pytest

from counsel.extensions import db
from counsel.models import SharedFile
from tests.helpers.forms import ANY_PAGE, csrf_token
from tests.helpers.roomkit import app_fixture, client_for, folder_contents, upload

MB = 1024 * 1024

app = app_fixture(MAX_UPLOAD_MB=1, MAX_FILES_PER_SESSION=3, MAX_SESSION_MB=2)


@pytest.fixture
def s1(create_session, member, expert):
    return create_session(member, expert)


@pytest.fixture
def send(app, member, s1):
    """send(data) uploads as the session's member; the response."""
    client = client_for(app, member)
    token = csrf_token(client, ANY_PAGE)
    return lambda data, session_id=s1.id: upload(client, session_id, data, token=token)


def stored(app) -> tuple[int, list[str]]:
    """(rows, files on disk)."""
    with app.app_context():
        rows = db.session.scalar(db.select(db.func.count(SharedFile.id)))
    return rows, folder_contents(app)


def test_the_file_count_is_limited_with_429_and_nothing_stored(app, send):
    assert [send(b"note %d" % n).status_code for n in range(3)] == [201, 201, 201]
    before = stored(app)
    response = send(b"one too many")
    assert response.status_code == 429
    assert response.json == {
        "error": "too-many-requests",
        "message": "This session already holds 3 files, the most it may hold.",
    }
    assert stored(app) == before and len(before[1]) == 3


def test_the_total_size_is_limited_with_413_and_nothing_stored(app, send):
    assert send(b"a" * MB).status_code == 201
    assert send(b"b" * (MB - 10)).status_code == 201
    before = stored(app)
    response = send(b"c" * 11)  # 10 bytes would fit exactly; 11 do not
    assert response.status_code == 413
    assert response.json == {
        "error": "too-large",
        "message": "A session's files may total at most 2 MB.",
    }
    assert stored(app) == before
    assert send(b"d" * 10).status_code == 201  # exactly the total is accepted


def test_the_per_file_limit_still_speaks_of_one_file(send):
    response = send(b"a" * (MB + 1))
    assert response.status_code == 413
    assert response.json["message"] == "Files may be at most 1 MB."


def test_another_session_has_its_own_quota(app, send, create_session, member, expert):
    for n in range(3):
        send(b"note %d" % n)
    other = create_session(member, expert)
    assert send(b"fresh", session_id=other.id).status_code == 201


def test_the_check_after_adding_refuses_a_race_for_the_last_place(app, send, monkeypatch):
    from counsel.room import quota

    assert send(b"first").status_code == 201
    # As if two uploads had both passed the first check: the second sees the quota full.
    monkeypatch.setitem(app.config, "MAX_FILES_PER_SESSION", 1)
    monkeypatch.setattr(quota, "room_left", lambda session_id: 2 * MB)
    before = stored(app)
    response = send(b"second")
    assert response.status_code == 429
    assert stored(app) == before

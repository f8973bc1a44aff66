"""Uploads: size limit, types by bytes, names, CSRF, session state; nothing left on refusal."""

import gc
import hashlib

import pytest

from counsel.extensions import db
from counsel.models import AuditEvent, SharedFile, Status
from tests.helpers.forms import ANY_PAGE, csrf_token
from tests.helpers.roomkit import (
    SAMPLES,
    app_fixture,
    client_for,
    folder_contents,
    multipart,
    post_body,
    tiny_png,
    tiny_zip,
)
from tests.helpers.roomkit import upload as post_file

MB = 1024 * 1024

app = app_fixture(MAX_UPLOAD_MB=1)  # small limit: fast size tests


@pytest.fixture
def s1(create_session, member, expert):
    return create_session(member, expert)


@pytest.fixture
def mc(app, member):
    """The member's client and CSRF token."""
    client = client_for(app, member)
    return client, csrf_token(client, ANY_PAGE)


def send(mc, s1, data, name="note.txt", content_type="application/octet-stream"):
    client, token = mc
    return post_file(client, s1.id, data, name, content_type, token)


def rows(app) -> list[SharedFile]:
    with app.app_context():
        return list(db.session.scalars(db.select(SharedFile)))


def assert_nothing_kept(app):
    assert rows(app) == []
    assert folder_contents(app) == []


@pytest.mark.parametrize("mime", sorted(SAMPLES))
def test_each_allowed_type_is_stored(app, mc, s1, mime):
    response = send(mc, s1, SAMPLES[mime], name="upload.bin")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["mime"] == mime and body["size"] == len(SAMPLES[mime])
    assert body["url"] == f"/files/{body['id']}"
    (row,) = rows(app)
    assert row.sha256 == hashlib.sha256(SAMPLES[mime]).hexdigest()
    assert folder_contents(app) == [row.stored_name]
    assert len(row.stored_name) == 32 and int(row.stored_name, 16) >= 0


def test_exactly_the_limit_is_accepted(app, mc, s1):
    response = send(mc, s1, b"a" * MB)
    assert response.status_code == 201
    assert response.json["size"] == MB


def test_one_byte_over_the_limit_is_413_and_leaves_nothing(app, mc, s1):
    response = send(mc, s1, b"a" * (MB + 1))
    assert response.status_code == 413
    assert response.json["error"] == "too-large"
    assert_nothing_kept(app)


def test_a_content_length_claiming_too_much_is_413_before_reading(app, mc, s1):
    client, token = mc
    body = multipart(b"small", "big.txt", "text/plain")
    response = post_body(client, s1.id, body, token, declared=50 * MB)
    assert response.status_code == 413
    assert_nothing_kept(app)


# Werkzeug's form parser leaves the stream of a cut-short file part for the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_content_length_claiming_too_little_never_stores_the_rest(app, mc, s1):
    # The server reads only the declared bytes: the form is cut short, so there is no file.
    client, token = mc
    body = multipart(b"a" * (2 * MB), "big.txt", "text/plain")
    response = post_body(client, s1.id, body, token, declared=MB // 2)
    gc.collect()
    assert response.status_code == 400
    assert_nothing_kept(app)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.png", "image/png"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "a.svg",
            "image/svg+xml",
        ),
        (b"<svg onload=alert(1)>", "a.txt", "text/plain"),
        (tiny_zip(), "archive.zip", "application/zip"),
        (tiny_zip(), "archive.png", "image/png"),
        (b"<?php system($_GET['c']); ?>", "x.php.png", "image/png"),
    ],
    ids=["html-as-png", "svg-script", "svg-as-txt", "zip", "zip-as-png", "php-as-png"],
)
def test_disallowed_bytes_are_415_whatever_the_name_says(app, mc, s1, data, name, content_type):
    response = send(mc, s1, data, name, content_type)
    assert response.status_code == 415
    assert response.json["error"] == "unsupported-type"
    assert_nothing_kept(app)


def test_empty_file_is_refused(app, mc, s1):
    assert send(mc, s1, b"", "empty.txt").status_code == 400
    assert_nothing_kept(app)


def test_missing_file_field_is_400(app, mc, s1):
    client, token = mc
    response = client.post(
        f"/sessions/{s1.id}/files",
        headers={"X-CSRFToken": token},
        data={"other": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and response.json["error"] == "bad-request"


def test_a_real_png_named_php_is_kept_under_a_random_name(app, mc, s1, tmp_path):
    response = send(mc, s1, tiny_png(), "x.php.png", "application/x-php")
    assert response.status_code == 201
    assert response.json["name"] == "x.php.png" and response.json["mime"] == "image/png"
    (row,) = rows(app)
    assert "php" not in row.stored_name
    assert not list(tmp_path.rglob("x.php.png"))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../app.py", "app.py.txt"),
        ("n" * 300 + ".txt", "n" * 251 + ".txt"),
        ("invoice\u202etxt.exe", "invoicetxt.exe.txt"),
        ('"; filename=evil.html', '"; filename=evil.html.txt'),
    ],
)
def test_hostile_names_are_sanitized_for_display(app, mc, s1, tmp_path, name, shown):
    response = send(mc, s1, SAMPLES["text/plain"], name, "text/plain")
    assert response.status_code == 201
    assert response.json["name"] == shown
    assert not (tmp_path.parent / "app.py").exists()
    (row,) = rows(app)
    assert row.original_name == shown


@pytest.mark.parametrize("token_kind", ["none", "garbage", "other-user"])
def test_upload_without_a_valid_csrf_token_changes_nothing(
    app, s1, other_member, token_kind, member
):
    client = client_for(app, member)
    tokens = {
        "none": None,
        "garbage": "nope",
        "other-user": csrf_token(client_for(app, other_member), ANY_PAGE),
    }
    response = post_file(client, s1.id, SAMPLES["text/plain"], token=tokens[token_kind])
    assert response.status_code == 400
    assert response.json["error"] == "csrf"
    assert_nothing_kept(app)


@pytest.mark.parametrize(
    "status", [Status.REQUESTED, Status.ENDED, Status.DECLINED, Status.CANCELLED]
)
def test_upload_outside_an_open_room_is_409(app, create_session, member, expert, mc, status):
    closed = create_session(member, expert, status=status)
    response = send(mc, closed, SAMPLES["text/plain"])
    assert response.status_code == 409 and response.json["error"] == "conflict"
    assert_nothing_kept(app)


def test_live_sessions_accept_uploads(app, create_session, member, expert, mc):
    live = create_session(member, expert, status=Status.LIVE)
    assert send(mc, live, SAMPLES["image/png"], "p.png").status_code == 201


def test_uploads_are_audited_without_contents(app, mc, s1):
    secret_phrase = b"a unique phrase: zebra-quartz-907"
    stored = send(mc, s1, secret_phrase, "diary.txt").json
    send(mc, s1, tiny_zip(), "z.zip")
    with app.app_context():
        events = list(
            db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "file-upload"))
        )
    assert [(e.result, e.target) for e in events] == [
        ("stored", f"file:{stored['id']}"),
        ("refused-415", f"session:{s1.id}"),
    ]
    assert all("zebra" not in f"{e.target}{e.subject}" for e in events)

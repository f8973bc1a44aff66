"""Downloads: the bytes, safe headers, names that cannot inject, admin reads audited."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from counsel import config
from tests.helpers.forms import ANY_PAGE, csrf_token
from tests.helpers.roomkit import SAMPLES, audit_events, client_for, tiny_png, upload

DISPOSITION = re.compile(
    r"^(inline|attachment); filename=\"([A-Za-z0-9._ -]+)\"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)$"
)


@pytest.fixture
def s1(create_session, member, expert):
    return create_session(member, expert)


@pytest.fixture
def share(app, s1, member):
    """share(data, name) uploads as the member and returns the JSON description."""
    client = client_for(app, member)
    token = csrf_token(client, ANY_PAGE)

    def _share(data: bytes, name: str = "file.bin") -> dict:
        response = upload(client, s1.id, data, name, token=token)
        assert response.status_code == 201, response.json
        return response.json

    return _share


def fetch(client, url: str):
    """GET a download, reading and closing it."""
    with client.get(url) as response:
        response.get_data()
    return response


def disposition(response) -> tuple[str, str, str]:
    match = DISPOSITION.match(response.headers["Content-Disposition"])
    assert match, response.headers["Content-Disposition"]
    kind, fallback, encoded = match.groups()
    return kind, fallback, unquote(encoded)


@pytest.mark.parametrize(
    ("mime", "kind"),
    [
        ("image/png", "inline"),
        ("image/jpeg", "inline"),
        ("image/gif", "inline"),
        ("image/webp", "inline"),
        ("application/pdf", "attachment"),
        ("text/plain", "attachment"),
    ],
)
def test_download_headers(app, share, expert, mime, kind):
    shared = share(SAMPLES[mime])
    response = fetch(client_for(app, expert), shared["url"])
    assert response.status_code == 200 and response.data == SAMPLES[mime]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.mimetype == mime
    assert disposition(response)[0] == kind
    assert "ETag" not in response.headers


def test_text_is_served_as_utf8_plain_text(app, share, member):
    response = fetch(client_for(app, member), share(SAMPLES["text/plain"])["url"])
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ('"; filename=evil.html', '"; filename=evil.html.txt'),
        ("../../app.py", "app.py.txt"),
        ("résumé\u202eexe.txt", "résuméexe.txt"),
        ("x" * 300 + ".txt", "x" * 251 + ".txt"),
    ],
)
def test_hostile_names_cannot_inject_into_the_header(app, share, member, name, shown):
    response = fetch(client_for(app, member), share(SAMPLES["text/plain"], name)["url"])
    kind, fallback, full = disposition(response)
    assert kind == "attachment" and full == shown
    assert fallback.endswith(".txt") and '"' not in fallback


def test_a_png_named_php_is_an_inline_png_that_cannot_run(app, share, expert):
    response = fetch(client_for(app, expert), share(tiny_png(), "x.php.png")["url"])
    assert response.mimetype == "image/png"
    assert disposition(response) == ("inline", "x.php.png", "x.php.png")
    assert response.headers["Content-Security-Policy"] == "sandbox"


def test_admin_downloads_are_audited_and_participant_ones_are_not(app, share, member, admin):
    shared = share(SAMPLES["application/pdf"], "report.pdf")
    assert fetch(client_for(app, member), shared["url"]).status_code == 200
    assert fetch(client_for(app, admin), shared["url"]).status_code == 200
    assert audit_events(app, "file-download") == [
        ("file-download", "admin-read", f"file:{shared['id']}")
    ]


def test_a_file_missing_from_disk_is_404(app, share, member):
    shared = share(SAMPLES["text/plain"])
    for stored in Path(app.config["UPLOAD_DIR"]).iterdir():
        stored.unlink()
    assert fetch(client_for(app, member), shared["url"]).status_code == 404


def test_anonymous_downloads_go_to_login(app, share):
    response = fetch(app.test_client(), share(SAMPLES["text/plain"])["url"])
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_uploads_live_outside_static_by_default(app, tmp_path):
    instance = tmp_path / "instance"
    folder = Path(config.from_environment(str(instance))["UPLOAD_DIR"])
    assert folder.is_relative_to(instance)
    assert not folder.resolve().is_relative_to(Path(app.static_folder).resolve())

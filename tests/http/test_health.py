"""GET /healthz: 200 when the database and the relay work, 503 naming the part that does not."""

import pytest

from counsel import create_app
from counsel.extensions import db
from tests.helpers.live import free_port


def test_healthz_ok_on_both_databases(db_app):
    response = db_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "db": "ok", "relay": "ok"}


def unreachable_database_app(database_url: str, tmp_path):
    """An app whose database cannot be reached (no schema is created: nothing to create it in)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )


@pytest.mark.parametrize(
    "database_url",
    [
        "sqlite:////nonexistent-counsel-dir/nowhere/counsel.db",
        "postgresql+psycopg://postgres@127.0.0.1:{port}/counsel?connect_timeout=2",
    ],
    ids=["sqlite-missing-dir", "postgres-closed-port"],
)
def test_healthz_names_the_database_when_it_is_down(tmp_path, database_url):
    app = unreachable_database_app(database_url.format(port=free_port()), tmp_path)
    response = app.test_client().get("/healthz")
    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "db": "down", "relay": "ok"}


class StalledRelay:
    """A relay whose live delivery is interrupted (as when Redis is away)."""

    def healthy(self) -> bool:
        return False

    def disconnect_user(self, user_id: int) -> None:
        """Nothing to disconnect."""


def test_healthz_names_the_relay_when_it_is_down(app):
    app.extensions["counsel.relay"] = StalledRelay()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "db": "ok", "relay": "down"}


def test_healthz_needs_no_login_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers

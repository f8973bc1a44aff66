"""The test app: a fresh schema on the given database, CSRF on, uploads in a folder of its own."""

from pathlib import Path
from typing import Any

from flask import Flask

from counsel import create_app
from counsel.extensions import db


def make_app(database_url: str, tmp_path: Path, **overrides: Any) -> Flask:
    """An app with a fresh schema, CSRF on, uploads in tmp_path."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app

"""Counsel: self-hosted 1:1 video counseling."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from counsel import config
from counsel.db import tune_sqlite
from counsel.web.converters import IdConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask application: config, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.DEFAULTS)
    app.config.update(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.url_map.converters["id"] = IdConverter  # <id:...>: 1..2**63-1, else 404
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024

    from counsel import cli, extensions, health, logs
    from counsel.accounts import auth, lifetime
    from counsel.admin import views as admin_views
    from counsel.ertc import endpoint, relay
    from counsel.room import files
    from counsel.room import views as room_views
    from counsel.sessions import views as session_views
    from counsel.web import counters, errors, headers

    logs.init_app(app)
    extensions.db.init_app(app)
    with app.app_context():
        tune_sqlite(extensions.db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    extensions.migrate.init_app(
        app, extensions.db, directory=str(ROOT / "migrations"), render_as_batch=True
    )
    extensions.csrf.init_app(app)
    extensions.sock.init_app(app)
    auth.init_app(app)
    lifetime.init_app(app)
    counters.init_app(app)
    headers.init_app(app)
    relay.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    for blueprint in (
        auth.bp,
        session_views.bp,
        room_views.bp,
        admin_views.bp,
        files.bp,
        health.bp,
        endpoint.bp,
    ):
        app.register_blueprint(blueprint)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app

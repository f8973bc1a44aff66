"""Counsel: self-hosted 1:1 video counseling."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from counsel import config as settings
from counsel.db import tune_sqlite
from counsel.web.converters import IdConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask application: config, extensions, blueprints, CLI.

    With no argument the config comes from the environment (app.py, gunicorn, flask); given a
    mapping it is DEFAULTS and that mapping only (counsel/config.py): no environment variable
    is read and nothing is written under instance/.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if config is None:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config.from_mapping(settings.from_environment(app.instance_path))
    else:
        app.config.from_mapping(settings.from_mapping(config))

    app.url_map.converters["id"] = IdConverter  # <id:...>: 1..2**63-1, else 404

    from counsel import cli, ertc, extensions, health, i18n, logs
    from counsel.accounts import auth, lifetime
    from counsel.admin import views as admin_views
    from counsel.i18n import views as i18n_views
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
    i18n.init_app(app)
    extensions.sock.init_app(app)
    auth.init_app(app)
    lifetime.init_app(app)
    counters.init_app(app)
    headers.init_app(app)
    ertc.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    for blueprint in (
        auth.bp,
        session_views.bp,
        room_views.bp,
        admin_views.bp,
        files.bp,
        health.bp,
        i18n_views.bp,
    ):
        app.register_blueprint(blueprint)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        # Flask's documented way to wrap the WSGI app; its stubs type wsgi_app as a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app

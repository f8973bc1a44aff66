"""Logging setup. Logs carry ids and message types, never counseling content."""

import logging

from flask import Flask


def init_app(app: Flask) -> None:
    """Send the app's log records to stderr at INFO unless the host configured logging."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    app.logger.setLevel(logging.INFO)

"""The current app's relay, for code that runs in one of its requests or app contexts."""

from flask import current_app

from counsel.ertc.relay import Relay

RELAY_KEY = "counsel.relay"  # gunicorn.conf.py finds the relay here at SIGTERM


def get_relay() -> Relay:
    """This app's relay."""
    return current_app.extensions[RELAY_KEY]

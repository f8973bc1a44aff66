"""Delivery between the sockets of a session. (Placeholder: the room issue builds it.)"""

from flask import Flask


class LocalRelay:
    """In-process relay: both people of a session on this worker."""

    def healthy(self) -> bool:
        return True

    def disconnect_user(self, user_id: int) -> None:
        """Close every socket of this user."""


def init_app(app: Flask) -> None:
    """Choose the relay once, from config."""
    app.extensions["counsel.relay"] = LocalRelay()

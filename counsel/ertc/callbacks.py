"""What the session layer does when the relay reports something: the relay keeps no app.

A peer whose worker died is persisted as `left` (reason `timeout`) and its peer told; a broken
or restored link between workers is told to each local socket as SYS `degraded`/`restored`.
"""

from collections.abc import Callable

from flask import Flask

from counsel.ertc.protocol import DEGRADED, RESTORED, TIMEOUT, sys_frame
from counsel.ertc.relay import Relay, RelayEvents
from counsel.ertc.seat import announce_left
from counsel.ertc.transport.connection import Connection


def tell_link(conn: Connection, up: bool) -> None:
    """Tell one socket that live delivery between workers is interrupted, or back."""
    conn.deliver(sys_frame(RESTORED if up else DEGRADED))


def left_by_timeout(relay: Relay, app: Flask) -> Callable[[int, str], None]:
    """The callback for a vanished seat: persist `left` and tell the other seat."""

    def vanished(session_id: int, role: str) -> None:
        with app.app_context():  # the relay's own thread: no request, a short app context
            announce_left(relay, session_id, role, TIMEOUT)

    return vanished


def register(relay: Relay, app: Flask) -> None:
    """Give the relay the session layer's callbacks."""
    relay.listen(RelayEvents(peer_vanished=left_by_timeout(relay, app), link_changed=tell_link))

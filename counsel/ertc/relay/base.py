"""What the session layer asks of a relay, in three small interfaces, and how it is told things.

A seat is (session_id, role); at most one socket holds it. The session layer talks only to
`Relay` (every part below), so a Redis relay (several workers) can replace `LocalRelay`
without touching it. A relay knows seats and frames only: what a vanished peer or a broken
link means for the session it reports through the `RelayEvents` callbacks it is given.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from counsel.ertc.protocol import SERVICE_RESTART
from counsel.ertc.transport.connection import Connection


def _ignore(*_args: Any) -> None:
    """A callback nobody registered."""


@dataclass
class RelayEvents:
    """Callbacks the session layer registers: a seat's worker died, the link went down or up."""

    peer_vanished: Callable[[int, str], None] = _ignore  # (session_id, role)
    link_changed: Callable[[Connection, bool], None] = _ignore  # (a local socket, link up)


class Seating(ABC):
    """Who holds which seat."""

    @abstractmethod
    def attach(self, conn: Connection, notice: dict[str, Any] | None = None) -> None:
        """Give conn its seat; the seat's previous socket, wherever it is, gets `notice`
        and is closed with 4000 (why "replaced", so its peer is not told `left`)."""

    @abstractmethod
    def detach(self, conn: Connection) -> bool:
        """Free conn's seat if conn still holds it; True when it did (the person left)."""

    @abstractmethod
    def is_present(self, session_id: int, role: str) -> bool:
        """True when someone holds the seat."""


class Delivery(ABC):
    """Frames and closes for seats, wherever their sockets are."""

    @abstractmethod
    def send_to(self, session_id: int, role: str, frame: dict[str, Any]) -> bool:
        """Hand a frame to the seat's socket; False when nobody holds the seat."""

    @abstractmethod
    def close_seat(self, session_id: int, role: str, code: int, why: str) -> None:
        """Close the seat's socket after what it was already sent."""

    @abstractmethod
    def disconnect_user(self, user_id: int) -> None:
        """Close every socket of this user within seconds (logout, account disabled)."""


class Lifecycle(ABC):
    """Health, capacity and shutdown of this worker's part of the relay."""

    @abstractmethod
    def healthy(self) -> bool:
        """True while live delivery works (for /healthz)."""

    @abstractmethod
    def local_count(self) -> int:
        """Sockets held by this worker (for the per-worker cap)."""

    @abstractmethod
    def shutdown(self, code: int = SERVICE_RESTART) -> None:
        """Close this worker's sockets with `code` and refuse new seats."""

    @abstractmethod
    def draining(self) -> bool:
        """True after shutdown: this worker refuses new sockets while it stops."""


class Relay(Seating, Delivery, Lifecycle):
    """A whole relay: seats, delivery, lifecycle, and the callbacks of the session layer."""

    events: RelayEvents

    def listen(self, events: RelayEvents) -> None:
        """Register the session layer's callbacks (replacing any before)."""
        self.events = events

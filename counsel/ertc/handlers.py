"""What the server does with each valid client message: a table from type to a small handler.

Handlers only queue frames (never touch a socket), and every persisted entry is committed by
the ledger before it is handed to anyone.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from counsel.ertc.connection import ENDED
from counsel.ertc.messages import Invalid, Message, parse
from counsel.ertc.relay import Relay
from counsel.extensions import db
from counsel.models import CounselingSession, SharedFile, User
from counsel.records import ledger
from counsel.sessions import workflow

log = logging.getLogger(__name__)
NORMAL_CLOSURE = 1000


def sys_frame(event: str, **fields: Any) -> dict[str, Any]:
    """A server notice that is not persisted."""
    return {"type": "SYS", "from": ledger.SERVER, "event": event, **fields}


@dataclass
class Context:
    """One socket's view of its session: who it is and where frames go."""

    conn: Any  # a Connection (or a test double with send/close and the seat fields)
    relay: Relay

    @property
    def session_id(self) -> int:
        return self.conn.session_id

    @property
    def role(self) -> str:
        return self.conn.role

    @property
    def peer_role(self) -> str:
        return "expert" if self.role == "member" else "member"

    def send_self(self, frame: dict[str, Any]) -> None:
        self.conn.send(frame)

    def send_peer(self, frame: dict[str, Any]) -> bool:
        return self.relay.send_to(self.session_id, self.peer_role, frame)

    def broadcast(self, frame: dict[str, Any]) -> None:
        self.send_self(frame)
        self.send_peer(frame)

    def error(self, code: str, message: str, **extra: Any) -> None:
        self.send_self(sys_frame("error", code=code, message=message, **extra))

    def close_room(self) -> None:
        """Close both sockets of the session after what they were sent (END)."""
        self.relay.close_seat(self.session_id, self.peer_role, NORMAL_CLOSURE, ENDED)
        self.conn.close(NORMAL_CLOSURE, "session ended", why=ENDED)

    def session_over(self) -> None:
        self.error("not-allowed", "This session is over.")
        self.conn.close(NORMAL_CLOSURE, "session over", why=ENDED)


def _persist(ctx: Context, type_: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Commit an entry from this sender, or tell the sender why not."""
    try:
        return ledger.append(ctx.session_id, ctx.role, type_, payload, user_id=ctx.conn.user_id)
    except ledger.NotSaved:
        ctx.error("not-saved", "The server could not store that; please send it again.")
    except ledger.SessionClosed:
        ctx.session_over()
    return None


def on_signal(ctx: Context, message: Message) -> None:
    """offer, answer, candidate: relayed live to the peer, never queued or stored."""
    frame = {"type": message.type, "from": ctx.role, **message.fields}
    if not ctx.send_peer(frame):
        ctx.error("peer-absent", "The other person is not connected right now.")


def on_txt(ctx: Context, message: Message) -> None:
    """A chat line: stored once per client_id, then sent to both (the sender's copy acks)."""
    client_id = message.fields["client_id"]
    try:
        entry, created = ledger.append_txt(
            ctx.session_id, ctx.role, ctx.conn.user_id, message.fields["text"], client_id
        )
    except ledger.NotSaved:
        ctx.error("not-saved", "The line was not saved; send it again.", client_id=client_id)
        return
    except ledger.SessionClosed:
        ctx.session_over()
        return
    if created:
        ctx.broadcast(entry)
    else:
        ctx.send_self(entry)  # the same acknowledgement again, no second delivery


def on_cam(ctx: Context, message: Message) -> None:
    """Camera and microphone state: stored, then sent to both (the sender's copy acks it)."""
    entry = _persist(ctx, "CAM", message.fields)
    if entry is not None:
        ctx.broadcast(entry)


def _file_payload(ctx: Context, file_id: int) -> dict[str, Any] | None:
    shared = db.session.get(SharedFile, file_id)
    if (
        shared is None
        or shared.session_id != ctx.session_id
        or shared.uploader_id != ctx.conn.user_id
    ):
        return None
    return {
        "file_id": shared.id,
        "name": shared.original_name,
        "size": shared.size,
        "mime": shared.mime,
        "url": f"/files/{shared.id}",
    }


def on_file(ctx: Context, message: Message) -> None:
    """A shared file: only this sender's upload to this session; stored, sent to both."""
    payload = _file_payload(ctx, message.fields["file_id"])
    if payload is None:
        ctx.error("not-allowed", "That file was not uploaded by you to this session.")
        return
    entry = _persist(ctx, "FILE", payload)
    if entry is not None:
        ctx.broadcast(entry)


def _end_in_one_transaction(ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    """Stage the END entry and end the session; workflow.end commits both together."""
    entry = ledger.stage(ctx.session_id, ctx.role, "END", fields, user_id=ctx.conn.user_id)
    wire = ledger.to_wire(entry)
    session = db.session.get(CounselingSession, ctx.session_id)
    user = db.session.get(User, ctx.conn.user_id)
    workflow.end(session, user, fields.get("reason", ""))
    return wire


def on_end(ctx: Context, message: Message) -> None:
    """End the session for both: stored with the status change, sent, both sockets closed."""
    try:
        entry = _end_in_one_transaction(ctx, message.fields)
    except (ledger.SessionClosed, workflow.WorkflowError):
        db.session.rollback()
        ctx.session_over()
        return
    except SQLAlchemyError:
        db.session.rollback()
        ctx.error("not-saved", "The session could not be ended; please try again.")
        return
    log.info("ertc: session=%s ended by %s", ctx.session_id, ctx.role)
    ctx.broadcast(entry)
    ctx.close_room()


HANDLERS: dict[str, Callable[[Context, Message], None]] = {
    "offer": on_signal,
    "answer": on_signal,
    "candidate": on_signal,
    "TXT": on_txt,
    "CAM": on_cam,
    "FILE": on_file,
    "END": on_end,
}


def dispatch(ctx: Context, frame: str | bytes) -> None:
    """Validate a frame and run its handler, or answer with the error."""
    message = parse(frame)
    if isinstance(message, Invalid):
        extra = {"client_id": message.client_id} if message.client_id else {}
        ctx.error(message.code, message.message, **extra)
        return
    HANDLERS[message.type](ctx, message)

"""What the server does with each valid client message: one small handler per type.

registry.py names the handler of each type. Handlers only queue frames (never touch a
socket), and every persisted entry is committed by the ledger before it is handed to anyone.
"""

import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from counsel.ertc.context import Context
from counsel.ertc.messages import Message
from counsel.ertc.protocol import CAM, END, FILE, NOT_ALLOWED, NOT_SAVED, PEER_ABSENT
from counsel.extensions import db
from counsel.models import CounselingSession, SharedFile, User
from counsel.records import ledger
from counsel.room.files import describe
from counsel.sessions import workflow

log = logging.getLogger(__name__)


def _persist(ctx: Context, type_: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Commit an entry from this sender, or tell the sender why not."""
    try:
        return ledger.append(ctx.session_id, ctx.role, type_, payload, user_id=ctx.conn.user_id)
    except ledger.NotSaved:
        ctx.error(NOT_SAVED, "The server could not store that; please send it again.")
    except ledger.SessionClosed:
        ctx.session_over()
    return None


def on_signal(ctx: Context, message: Message) -> None:
    """offer, answer, candidate: relayed live to the peer, never queued or stored."""
    frame = {"type": message.type, "from": ctx.role, **message.fields}
    if not ctx.send_peer(frame):
        ctx.error(PEER_ABSENT, "The other person is not connected right now.")


def on_txt(ctx: Context, message: Message) -> None:
    """A chat line: stored once per client_id, then sent to both (the sender's copy acks)."""
    client_id = message.fields["client_id"]
    try:
        entry, created = ledger.append_txt(
            ctx.session_id, ctx.role, ctx.conn.user_id, message.fields["text"], client_id
        )
    except ledger.NotSaved:
        ctx.error(NOT_SAVED, "The line was not saved; send it again.", client_id=client_id)
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
    entry = _persist(ctx, CAM, message.fields)
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
    return describe(shared)


def on_file(ctx: Context, message: Message) -> None:
    """A shared file: only this sender's upload to this session; stored, sent to both."""
    payload = _file_payload(ctx, message.fields["file_id"])
    if payload is None:
        ctx.error(NOT_ALLOWED, "That file was not uploaded by you to this session.")
        return
    entry = _persist(ctx, FILE, payload)
    if entry is not None:
        ctx.broadcast(entry)


def _end_in_one_transaction(ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    """Stage the END entry and end the session; workflow.end commits both together."""
    entry = ledger.stage(ctx.session_id, ctx.role, END, fields, user_id=ctx.conn.user_id)
    wire = ledger.to_wire(entry)
    session = db.session.get_one(CounselingSession, ctx.session_id)
    user = db.session.get_one(User, ctx.conn.user_id)
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
        ctx.error(NOT_SAVED, "The session could not be ended; please try again.")
        return
    log.info("ertc: session=%s ended by %s", ctx.session_id, ctx.role)
    ctx.broadcast(entry)
    ctx.close_room()

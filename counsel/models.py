"""Typed SQLAlchemy models: people, counseling sessions, the session ledger, files, audit."""

import enum
import secrets
from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from counsel.db import Base


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def new_login_token() -> str:
    """A random token that, when rotated, invalidates every existing login of a user."""
    return secrets.token_urlsafe(16)


class Role(enum.StrEnum):
    MEMBER = "member"
    EXPERT = "expert"
    ADMIN = "admin"


class Status(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    LIVE = "live"
    ENDED = "ended"
    DECLINED = "declined"
    CANCELLED = "cancelled"


ROOM_OPEN_STATUSES = (Status.ACCEPTED, Status.LIVE)


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    login_token: Mapped[str] = mapped_column(String(64), default=new_login_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The person's saved language (`ko`, `en`), or None to follow the browser (counsel/i18n).
    language: Mapped[str | None] = mapped_column(String(8))
    # An IANA zone name: every time shown to this person is in it; stored times stay UTC.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")

    profile: Mapped["ExpertProfile | None"] = relationship(back_populates="user")

    def get_id(self) -> str:
        """Flask-Login id: the user id bound to the current login token."""
        return f"{self.id}:{self.login_token}"

    @property
    def is_active(self) -> bool:
        return self.active


class ExpertProfile(Base):
    __tablename__ = "expert_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    specialty: Mapped[str] = mapped_column(String(100), default="")
    bio: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(back_populates="profile")


class CounselingSession(Base):
    __tablename__ = "counseling_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    status: Mapped[Status] = mapped_column(
        Enum(Status, native_enum=False, length=16), default=Status.REQUESTED, index=True
    )
    last_seq: Mapped[int] = mapped_column(default=0)
    member_joined: Mapped[bool] = mapped_column(default=False)
    expert_joined: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str | None] = mapped_column(String(500))

    member: Mapped[User] = relationship(foreign_keys=[member_id])
    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    history: Mapped[list["StatusChange"]] = relationship(
        back_populates="session", order_by="StatusChange.id"
    )

    def role_of(self, user_id: int) -> Role | None:
        """The role a user plays in this session, or None for outsiders."""
        if user_id == self.member_id:
            return Role.MEMBER
        if user_id == self.expert_id:
            return Role.EXPERT
        return None

    @property
    def duration_seconds(self) -> int | None:
        """Seconds from going live to the end, when both are known."""
        if self.started_at and self.ended_at:
            return int((as_utc(self.ended_at) - as_utc(self.started_at)).total_seconds())
        return None


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("counseling_sessions.id"), index=True)
    status: Mapped[Status] = mapped_column(Enum(Status, native_enum=False, length=16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[CounselingSession] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class LedgerEntry(Base):
    """One persisted event of a session's room, in the order everyone sees it."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        UniqueConstraint("session_id", "actor", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("counseling_sessions.id"))
    seq: Mapped[int]
    actor: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    type: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SharedFile(Base):
    __tablename__ = "shared_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("counseling_sessions.id"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    uploader: Mapped[User] = relationship()


class AuditEvent(Base):
    """Who did what, when, with which result, from where. Never holds counseling content."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(64), default="")
    subject: Mapped[str] = mapped_column(String(254), default="")


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes; treat them as the UTC they were stored as."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)

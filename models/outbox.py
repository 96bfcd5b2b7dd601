"""The outbox: every message that must go out later, as a row with a due time."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class OutboxStatus(enum.StrEnum):
    """Where an outgoing message stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"


TRIED = "attempts > 0 AND status != 'sent' AND status != 'failed' AND status != 'dropped'"
"""The rows a sender has tried and that are not done (put back to be tried again, or in a
sender's hand): a person's later rows wait behind the first of them. Few, and indexed
apart (``ix_outbox_tried``); a query finds them by these very terms."""


class OutboxMessage(Base):
    """A message to one person, due at a time, queued once under its unique key."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due_at", "status", "due_at"),
        Index(
            "ix_outbox_tried",
            "person_id",
            "id",
            sqlite_where=text(TRIED),
            postgresql_where=text(TRIED),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    segments: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """SMS segments the message took, once sent (SMS providers bill per segment)."""
    provider_message_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    """The channel's id of the message sent (WhatsApp's ``wamid``), for delivery statuses."""
    delivery_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """What the channel reported since: ``sent``, ``delivered``, ``read`` or ``failed``."""

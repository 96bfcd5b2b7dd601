"""Messages the bot did not understand: the text alone, scrubbed, for a month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class UnreadMessage(Base):
    """A message not understood; no person, name or number is kept with it."""

    __tablename__ = "unread_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

"""What the bot learned from the organisers, and how well it read, week by week.

No person is linked to either table: a learned example is a scrubbed text with its meaning,
a weekly count is a number per week, language and outcome.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class LearnedExample(Base):
    """A message an organiser labelled (or a person's answer to a clarifying question),
    accepted by the gate; the text alone, scrubbed."""

    __tablename__ = "learned_examples"
    __table_args__ = ({"sqlite_autoincrement": True},)
    """Ids never come back: (how many, the newest id) is the examples' version."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    """``organiser`` (labelled on the dashboard) or ``clarified`` (a person's answer)."""
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WeeklyReadings(Base):
    """Messages read, not understood or clarified, per week and language: a row per count
    (an insert each, so that busy turns never wait on one another), summed when shown."""

    __tablename__ = "weekly_readings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[date] = mapped_column(Date, index=True)
    """The Monday the week starts on (UTC)."""
    language: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(20))
    """``read`` (every written message), ``not_understood`` or ``clarified``."""
    count: Mapped[int] = mapped_column(Integer, default=0)

"""Workshop sessions: one dated occurrence of a workshop, with its seats."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class SessionStatus(enum.StrEnum):
    """Whether a session still takes place."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class WorkshopSession(Base):
    """A dated workshop with a capacity.

    ``seats_taken`` counts booked seats and seats held for a waiting-list offer. It only
    changes through conditional updates in the booking service, so it can never pass
    ``capacity`` even when people confirm at the same instant.
    """

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_in_range"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_sessions_status_starts_at", "status", "starts_at"),
        Index("ix_sessions_venue_id_starts_at", "venue_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(32), default="tous")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    venue: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.SCHEDULED)
    bring: Mapped[str] = mapped_column(String(300), default="", server_default="")
    access: Mapped[str] = mapped_column(String(300), default="", server_default="")
    """How to find the place once there ("à l'accueil, demandez l'atelier numérique")."""
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    venue_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The venue row (town, postcode, point), in ``venues``; no foreign key, so that adding
    it did not copy the table on SQLite. ``venue``, ``address`` and the coordinates above
    stay on the session as the schedule wrote them, for every screen that shows them."""
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped each time the session is moved, so calendar files replace older ones."""
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    """Who runs it (an ``organisations`` id; organisations are never deleted); None: the
    install's own organisation (ORGANISATION_NAME). No foreign key: adding one on SQLite
    rebuilds the table, and dropping ``sessions`` there deletes its bookings."""

    @property
    def seats_left(self) -> int:
        """Seats that can still be booked."""
        return max(self.capacity - self.seats_taken, 0)

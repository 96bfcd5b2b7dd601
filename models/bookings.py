"""Bookings: a person's seat, or place in line, for one session."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class BookingStatus(enum.StrEnum):
    """The booking statuses of the contract, used everywhere (CSV, database, screens)."""

    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


ACTIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.WAITING)
_ACTIVE_SQL = "status IN ('booked', 'waiting')"


class Booking(Base):
    """A person's booking; at most one active booking per person and session.

    A waiting booking with ``offer_expires_at`` set holds a freed seat until that time.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_active_person_session",
            "person_id",
            "session_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_bookings_session_status", "session_id", "status", "created_at"),
        Index("ix_bookings_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When the person answered "I'll be there" to the reminder."""
    seat_freed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When this booked seat was given up before the session (a freed seat)."""
    from_waiting_list: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Whether the seat was taken from the waiting list (an offered seat accepted)."""
    booked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True, index=True
    )
    """Who booked this seat for the person (a relative, a helper), if not themself."""

    @property
    def holds_offer(self) -> bool:
        """Whether this waiting booking currently holds a freed seat."""
        return self.status == BookingStatus.WAITING and self.offer_expires_at is not None

"""Domain errors: each carries the key of the message a person is shown."""

from __future__ import annotations


class BookingError(Exception):
    """A booking rule refused the request; ``key`` names the polite explanation."""

    key = "error.generic"

    def __init__(self, session_id: int | None = None) -> None:
        super().__init__(self.key)
        self.session_id = session_id


class UnknownSession(BookingError):
    """The session does not exist."""

    key = "error.unknown_session"


class SessionPast(BookingError):
    """The session has already started."""

    key = "error.session_past"


class SessionCancelled(BookingError):
    """The organisers cancelled the session."""

    key = "error.session_cancelled"


class SessionFull(BookingError):
    """No seat is left."""

    key = "error.session_full"


class AlreadyBooked(BookingError):
    """The person already holds a seat (or a place in line) in this session."""

    key = "error.already_booked"


class UnknownBooking(BookingError):
    """The booking does not exist or belongs to somebody else (the same answer for both)."""

    key = "error.unknown_booking"


class BookingNotActive(BookingError):
    """The booking was already cancelled or is over."""

    key = "error.booking_not_active"


class NoOffer(BookingError):
    """There is no seat offer (anymore) on this waiting-list booking."""

    key = "error.no_offer"

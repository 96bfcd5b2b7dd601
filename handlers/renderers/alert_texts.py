"""What an alert to the organisers says, rendered when it goes out (no choices to press)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.dialog import Reply
from core.formatting import day_in_words, time_in_words
from core.seats.alerts import CALL_BACK, DIGEST, LATE_CANCEL, SESSION_FULL, UNDELIVERED, day_bounds
from core.seats.booking import waiting_count
from handlers.flows import describe
from handlers.machinery.context import Flow
from models import (
    Booking,
    BookingStatus,
    OutboxMessage,
    Person,
    SessionStatus,
    WorkshopSession,
)


async def render_alert(flow: Flow, message: OutboxMessage) -> Reply | None:
    """The alert's text, or None when it no longer applies."""
    if message.kind == DIGEST:
        return await _digest(flow, date.fromisoformat(str(message.payload["day"])))
    if message.kind == CALL_BACK:
        caller = await flow.db.get(Person, int(message.payload.get("person_id", 0)))
        if caller is None:
            return None  # erased since
        name = caller.name or flow.t("alert.someone")
        return Reply(flow.t("alert.call_back", name=name, number=caller.external_id))
    workshop = await _workshop(flow, message)
    if message.kind == SESSION_FULL:
        if workshop is None or workshop.seats_left > 0:
            return None  # a seat freed up since
        waiting = await waiting_count(flow.db, workshop.id)
        return Reply(
            flow.t("alert.full", title=workshop.title, when=_when(flow, workshop), waiting=waiting)
        )
    if message.kind == LATE_CANCEL:
        if workshop is None:
            return None
        name = await _name_of_booking(flow, message.payload.get("booking_id"))
        return Reply(
            flow.t(
                "alert.late_cancel",
                name=name,
                title=workshop.title,
                when=_when(flow, workshop),
                left=max(workshop.seats_left, 0),
            )
        )
    if message.kind == UNDELIVERED:
        person = await flow.db.get(Person, int(message.payload.get("person_id", 0)))
        name = (person.name if person is not None else "") or flow.t("alert.someone")
        channel = person.channel if person is not None else ""
        text = flow.t("alert.undelivered", name=name, channel=channel)
        if workshop is not None:
            text += "\n" + flow.t("alert.about", title=workshop.title, when=_when(flow, workshop))
        return Reply(text)
    return None


def _when(flow: Flow, workshop: WorkshopSession) -> str:
    return describe.when(flow, workshop)


async def _workshop(flow: Flow, message: OutboxMessage) -> WorkshopSession | None:
    session_id = message.payload.get("session_id")
    if session_id is None and "booking_id" in message.payload:
        booking = await flow.db.get(Booking, int(message.payload["booking_id"]))
        session_id = booking.session_id if booking is not None else None
    if session_id is None:
        return None
    return await flow.db.get(WorkshopSession, int(session_id))


async def _name_of_booking(flow: Flow, booking_id: object) -> str:
    booking = await flow.db.get(Booking, int(str(booking_id or 0)))
    person = await flow.db.get(Person, booking.person_id) if booking is not None else None
    return (person.name if person is not None else "") or flow.t("alert.someone")


async def _digest(flow: Flow, day: date) -> Reply | None:
    """Tomorrow's sessions, each with who is booked and how many wait."""
    zone = flow.settings.zone
    start, end = day_bounds(day, zone)
    query = (
        select(WorkshopSession)
        .where(
            WorkshopSession.status == SessionStatus.SCHEDULED,
            WorkshopSession.starts_at >= start,
            WorkshopSession.starts_at < end,
        )
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    workshops = list((await flow.db.execute(query)).scalars())
    if not workshops:
        return None
    day_text = day_in_words(workshops[0].starts_at, zone, flow.t)
    parts = [flow.t("digest.header", day=day_text)]
    for workshop in workshops:
        lines = [
            flow.t(
                "digest.session",
                title=workshop.title,
                time=time_in_words(workshop.starts_at, zone, flow.t),
                taken=workshop.seats_taken,
                capacity=workshop.capacity,
            )
        ]
        names = await flow.db.execute(
            select(Person.name)
            .join(Booking, Booking.person_id == Person.id)
            .where(Booking.session_id == workshop.id, Booking.status == BookingStatus.BOOKED)
            .order_by(Booking.id)
        )
        people = [name or flow.t("alert.someone") for name in names.scalars()]
        lines += [flow.t("digest.person", name=name) for name in people]
        if not people:
            lines.append(flow.t("digest.nobody"))
        waiting = await waiting_count(flow.db, workshop.id)
        if waiting:
            lines.append(flow.t("digest.waiting", count=waiting))
        parts.append("\n".join(lines))
    return Reply("\n\n".join(parts))

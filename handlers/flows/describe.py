"""How a session is described on screens: one line in lists, a summary, the full card."""

from __future__ import annotations

from core.dialog import Attachment, Choice, Venue
from core.formatting import (
    day_in_words,
    duration_in_words,
    in_sentence,
    seats_in_words,
    when_in_words,
)
from core.schedule.calendar_file import calendar_file
from handlers.machinery.choices import SessionCard, SessionList
from handlers.machinery.context import Flow
from models import Booking, BookingStatus, WorkshopSession


def when(flow: Flow, workshop: WorkshopSession) -> str:
    """'mercredi 6 janvier à 14 h'."""
    return when_in_words(workshop.starts_at, flow.settings.zone, flow.t)


def page_rows(
    flow: Flow, sessions: list[WorkshopSession], page: int, pages: int, audience: str
) -> list[tuple[Choice, ...]]:
    """A page of sessions as one button each, then "previous" and "next" where there are."""
    rows: list[tuple[Choice, ...]] = [
        (Choice(button_label(flow, s), SessionCard(s.id).pack()),) for s in sessions
    ]
    nav: list[Choice] = []
    if page > 0:
        nav.append(flow.choice("button.previous", SessionList(page - 1, audience).pack()))
    if page + 1 < pages:
        nav.append(flow.choice("button.next", SessionList(page + 1, audience).pack()))
    if nav:
        rows.append(tuple(nav))
    return rows


def list_line(flow: Flow, number: int, workshop: WorkshopSession) -> str:
    """A numbered line of a list: title, then day, time and seats left."""
    return flow.t(
        "session.list_line",
        number=number,
        title=workshop.title,
        when=when(flow, workshop),
        seats=seats_in_words(workshop.seats_left, flow.t),
    )


def button_label(flow: Flow, workshop: WorkshopSession) -> str:
    """A short button label: title and day."""
    day = day_in_words(workshop.starts_at, flow.settings.zone, flow.t)
    title = workshop.title if len(workshop.title) <= 34 else workshop.title[:33] + "…"
    return flow.t("session.button", title=title, day=day)


def summary(flow: Flow, workshop: WorkshopSession) -> str:
    """Title, date and place: what a confirmation must name."""
    return flow.t(
        "session.summary",
        title=workshop.title,
        when=when(flow, workshop),
        venue=workshop.venue,
        address=workshop.address,
    )


def card(flow: Flow, workshop: WorkshopSession) -> str:
    """Everything about one session."""
    return flow.t(
        "session.card",
        title=workshop.title,
        description=workshop.description,
        when=when(flow, workshop),
        duration=duration_in_words(workshop.duration_minutes, flow.t),
        venue=workshop.venue,
        address=workshop.address,
        seats=seats_in_words(workshop.seats_left, flow.t),
    )


def details(flow: Flow, workshop: WorkshopSession) -> str:
    """The summary, what to bring and how to find the place, when the session says so."""
    text = summary(flow, workshop)
    if workshop.bring:
        text += "\n" + flow.t("session.bring", bring=in_sentence(workshop.bring))
    if workshop.access:
        text += "\n" + flow.t("session.access", access=in_sentence(workshop.access))
    return text


def calendar(flow: Flow, workshop: WorkshopSession, booking_id: int) -> Attachment:
    """The "Ajouter à mon agenda" file for a booked seat."""
    return calendar_file(
        workshop,
        booking_id,
        flow.settings.zone,
        flow.now,
        caption=flow.t("calendar.caption"),
        alarm_text=flow.t("calendar.alarm", title=workshop.title),
    )


def cancelled_calendar(
    flow: Flow, workshop: WorkshopSession, booking_id: int, *, one_seat: bool = False
) -> Attachment:
    """The file that takes a cancelled session, or ``one_seat`` given up while the session
    goes on, out of the person's calendar.

    A cancelled session has a new revision already; for one seat the revision is what the
    booking's last file said, so one more replaces it.
    """
    return calendar_file(
        workshop,
        booking_id,
        flow.settings.zone,
        flow.now,
        caption=flow.t("calendar.cancel_caption"),
        alarm_text="",
        cancelled=True,
        sequence=workshop.revision + 1 if one_seat else None,
    )


def had_calendar(booking: Booking, status: str | None = None) -> bool:
    """Whether the booking's confirmation came with a calendar file: a seat the person
    booked themselves (a place in line, a seat booked for someone else came with none).
    ``status``: what the booking was before a change, its own status by default.

    Like that confirmation, the reply carries the file and each channel decides (SMS
    sends no file)."""
    was = booking.status if status is None else status
    return was == BookingStatus.BOOKED and booking.booked_by_id is None


def venue(flow: Flow, workshop: WorkshopSession) -> Venue | None:
    """The place as a map pin, when its coordinates are known (or the usual venue's)."""
    latitude = workshop.latitude if workshop.latitude is not None else flow.settings.venue_latitude
    longitude = (
        workshop.longitude if workshop.longitude is not None else flow.settings.venue_longitude
    )
    if latitude is None or longitude is None:
        return None
    return Venue(workshop.venue, workshop.address, latitude, longitude)


def map_link(place: Venue) -> str:
    """A link that opens the place on a map, pinned, in any browser (OpenStreetMap)."""
    lat, lon = f"{place.latitude:.5f}".rstrip("0"), f"{place.longitude:.5f}".rstrip("0")
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"

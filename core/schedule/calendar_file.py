"""The "Ajouter à mon agenda" file: one iCalendar event per booking, with an alarm."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

from core.dialog import Attachment
from models import WorkshopSession

ALARM_BEFORE = timedelta(hours=2)
"""The phone rings this long before the start: time to get ready and travel."""

PRODUCT_ID = "-//atelier-bot//ateliers numeriques//FR"


def event_uid(booking_id: int) -> str:
    """The same booking always has the same event, so an updated file replaces the old one."""
    return f"booking-{booking_id}@atelier-bot"


@lru_cache(maxsize=16)
def venue_timezone(zone: ZoneInfo, year: int) -> Timezone:
    """The VTIMEZONE of ``zone`` for ``year`` and the next, built once and shared.

    A calendar only needs the offsets around its event; the whole of 1970-2038 that
    icalendar describes by default is 2 KB more per file and 3 ms more to build.
    """
    first, last = date(year, 1, 1), date(year + 1, 12, 31)
    return Timezone.from_tzinfo(zone, zone.key, first_date=first, last_date=last)


def calendar_file(
    workshop: WorkshopSession,
    booking_id: int,
    zone: ZoneInfo,
    now: datetime,
    *,
    caption: str,
    alarm_text: str,
    cancelled: bool = False,
    sequence: int | None = None,
) -> Attachment:
    """An .ics file for one booked session, in the local time zone of the venue.

    ``cancelled``: the file that takes the event out of the calendar again (METHOD:CANCEL,
    STATUS:CANCELLED, the same UID, a higher SEQUENCE). ``sequence`` is the session's
    revision unless given: cancelling a session raises its revision, cancelling one seat
    does not, so that file says one more than the revision itself.
    """
    start = workshop.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", event_uid(booking_id))
    event.add("sequence", workshop.revision if sequence is None else sequence)
    if cancelled:
        event.add("status", "CANCELLED")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=workshop.duration_minutes))
    event.add("summary", workshop.title)
    event.add("location", f"{workshop.venue}, {workshop.address}")
    details = [workshop.description, workshop.bring, workshop.access]
    event.add("description", "\n".join(part for part in details if part))
    if workshop.latitude is not None and workshop.longitude is not None:
        event.add("geo", (workshop.latitude, workshop.longitude))  # the pin in map apps
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", alarm_text)
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)

    day = start.strftime("%Y-%m-%d")
    name = f"atelier-{day}-annule.ics" if cancelled else f"atelier-{day}.ics"
    return Attachment(name, _around(event, zone, start.year, cancelled), caption)


def _around(event: Event, zone: ZoneInfo, year: int, cancelled: bool) -> bytes:
    """The calendar holding ``event``: the same bytes as a :class:`Calendar` with the
    venue's time zone and the event added, but only the event is written out each time
    (a calendar's properties come before its components, each component's lines whole)."""
    head, tail = _calendar_ends(cancelled)
    return head + _zone_lines(zone, year) + event.to_ical() + tail


@lru_cache(maxsize=2)
def _calendar_ends(cancelled: bool) -> tuple[bytes, bytes]:
    """A calendar's lines before its components, and its last line."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    whole = calendar.to_ical()
    tail = b"END:VCALENDAR\r\n"
    assert whole.endswith(tail)
    return whole[: -len(tail)], tail


@lru_cache(maxsize=16)
def _zone_lines(zone: ZoneInfo, year: int) -> bytes:
    """The VTIMEZONE of :func:`venue_timezone`, written out once."""
    return venue_timezone(zone, year).to_ical()

"""The "Ajouter à mon agenda" file: one iCalendar event per booking, with an alarm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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

    The event of a session is written out once (:func:`_session_event`): each booking's
    file is those bytes with its own UID and time stamp, the same bytes icalendar writes
    (0.37 ms a file before, written out in full each time).
    """
    start = workshop.starts_at.astimezone(zone)
    revision = workshop.revision if sequence is None else sequence
    day = start.strftime("%Y-%m-%d")
    name = f"atelier-{day}-annule.ics" if cancelled else f"atelier-{day}.ics"
    if now.tzinfo is UTC:
        written = _session_event(
            _Session.of(workshop), zone, revision, cancelled, alarm_text
        ).replace(_UID_LINE, _line("uid", event_uid(booking_id)), 1)
        written = written.replace(_STAMP_LINE, _line("dtstamp", now), 1)
    else:
        written = _event(
            _Session.of(workshop), booking_id, zone, now, revision, cancelled, alarm_text
        ).to_ical()
    return Attachment(name, _around(written, zone, start.year, cancelled), caption)


@dataclass(frozen=True, slots=True)
class _Session:
    """What a calendar file says of a session."""

    title: str
    venue: str
    address: str
    description: str | None
    bring: str | None
    access: str | None
    starts_at: datetime
    duration_minutes: int
    latitude: float | None
    longitude: float | None

    @classmethod
    def of(cls, workshop: WorkshopSession) -> _Session:
        return cls(
            workshop.title,
            workshop.venue,
            workshop.address,
            workshop.description,
            workshop.bring,
            workshop.access,
            workshop.starts_at,
            workshop.duration_minutes,
            workshop.latitude,
            workshop.longitude,
        )


def _event(
    workshop: _Session,
    booking_id: int,
    zone: ZoneInfo,
    now: datetime,
    revision: int,
    cancelled: bool,
    alarm_text: str,
) -> Event:
    """One booking's event."""
    start = workshop.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", event_uid(booking_id))
    event.add("sequence", revision)
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
    return event


_ANY_BOOKING = 0
_ANY_TIME = datetime(1970, 1, 1, tzinfo=UTC)


def _line(name: str, value: object) -> bytes:
    """One property's line as icalendar writes it, between the lines around it."""
    event = Event()
    event.add(name, value)
    return b"\r\n" + event.content_line(name.upper(), event[name]).to_ical() + b"\r\n"


_UID_LINE = _line("uid", event_uid(_ANY_BOOKING))
_STAMP_LINE = _line("dtstamp", _ANY_TIME)


@lru_cache(maxsize=256)
def _session_event(
    workshop: _Session, zone: ZoneInfo, revision: int, cancelled: bool, alarm_text: str
) -> bytes:
    """The event of any booking of ``workshop``, written out: its UID and time stamp stand
    for the booking's own (:data:`_UID_LINE`, :data:`_STAMP_LINE`)."""
    event = _event(workshop, _ANY_BOOKING, zone, _ANY_TIME, revision, cancelled, alarm_text)
    written = event.to_ical()
    assert written.count(_UID_LINE) == 1
    assert written.count(_STAMP_LINE) == 1
    return written


def _around(event: bytes, zone: ZoneInfo, year: int, cancelled: bool) -> bytes:
    """The calendar holding ``event`` (written out): the same bytes as a :class:`Calendar`
    with the venue's time zone and the event added, but only the event is written out each
    time (a calendar's properties come before its components, each component's lines
    whole)."""
    head, tail = _calendar_ends(cancelled)
    return head + _zone_lines(zone, year) + event + tail


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

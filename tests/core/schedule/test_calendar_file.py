"""The "Ajouter à mon agenda" file describes the venue's time around the workshop."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from core.schedule.calendar_file import PRODUCT_ID, calendar_file, venue_timezone
from models import WorkshopSession

PARIS = ZoneInfo("Europe/Paris")


def workshop(starts_at: datetime) -> WorkshopSession:
    return WorkshopSession(
        id=1,
        title="Prendre en main son smartphone",
        venue="Orange Digital Center",
        address="Metz",
        starts_at=starts_at,
        duration_minutes=120,
        revision=0,
        description="",
        bring="",
        access="",
    )


@pytest.mark.parametrize(
    ("starts_at", "local_hour", "offset_hours"),
    [
        (datetime(2027, 7, 1, 12, 0, tzinfo=UTC), 14, 2),  # summer time
        (datetime(2027, 1, 6, 13, 0, tzinfo=UTC), 14, 1),  # winter time
        (datetime(2027, 12, 31, 13, 0, tzinfo=UTC), 14, 1),  # the end of the year
    ],
)
def test_the_time_zone_in_the_file_gives_the_right_local_time(
    starts_at: datetime, local_hour: int, offset_hours: int
) -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    attachment = calendar_file(
        workshop(starts_at), 7, PARIS, now, caption="Agenda", alarm_text="Atelier"
    )
    calendar = Calendar.from_ical(attachment.content)
    [event] = calendar.events
    assert event.start.hour == local_hour
    # A calendar app that reads only the file's VTIMEZONE, not its own database, agrees.
    [described] = calendar.timezones
    zone = described.to_tz(lookup_tzid=False)
    local = event.start.replace(tzinfo=None)
    assert zone.utcoffset(local).total_seconds() == offset_hours * 3600
    assert len(attachment.content) < 1500  # quick to receive on a weak connection


def test_the_file_says_how_to_find_the_place_and_pins_it() -> None:
    session = workshop(datetime(2027, 1, 6, 13, 0, tzinfo=UTC))
    session.access = "À l'accueil, demandez l'atelier numérique."
    session.latitude, session.longitude = 49.1191, 6.1727
    now = datetime(2026, 11, 26, tzinfo=UTC)
    attachment = calendar_file(session, 7, PARIS, now, caption="Agenda", alarm_text="Atelier")
    [event] = Calendar.from_ical(attachment.content).events
    assert "demandez l'atelier numérique" in str(event["description"])
    assert (event["geo"].latitude, event["geo"].longitude) == (49.1191, 6.1727)


@pytest.mark.parametrize("cancelled", [False, True])
def test_the_file_is_the_whole_calendar_icalendar_writes(cancelled: bool) -> None:
    """Only the event is written out each time; the file is still the one icalendar writes
    for the whole calendar, so that calendar apps read it as before."""
    now = datetime(2026, 11, 26, tzinfo=UTC)
    starts_at = datetime(2027, 3, 28, 8, 0, tzinfo=UTC)  # the day the clocks go forward
    attachment = calendar_file(
        workshop(starts_at),
        7,
        PARIS,
        now,
        caption="Agenda",
        alarm_text="Atelier",
        cancelled=cancelled,
    )
    [event] = Calendar.from_ical(attachment.content).events
    whole = Calendar()
    whole.add("prodid", PRODUCT_ID)
    whole.add("version", "2.0")
    whole.add("method", "CANCEL" if cancelled else "PUBLISH")
    whole.add_component(venue_timezone(PARIS, 2027))
    whole.add_component(event)
    assert attachment.content == whole.to_ical()


def test_each_booking_of_a_session_has_its_own_event_in_the_file_icalendar_writes() -> None:
    """The session's event is written out once; each booking's file still has its own UID
    and time stamp, and is the file icalendar writes for that booking."""
    session = workshop(datetime(2027, 3, 28, 8, 0, tzinfo=UTC))
    for booking_id, now in [
        (7, datetime(2026, 11, 26, 9, 30, 12, 345678, tzinfo=UTC)),
        (8, datetime(2026, 11, 27, 18, 1, 59, tzinfo=UTC)),
        (123456789, datetime(2026, 11, 27, 18, 2, tzinfo=UTC)),
    ]:
        attachment = calendar_file(
            session, booking_id, PARIS, now, caption="Agenda", alarm_text="Atelier"
        )
        [event] = Calendar.from_ical(attachment.content).events
        assert str(event["uid"]) == f"booking-{booking_id}@atelier-bot"
        assert event["dtstamp"].dt == now.replace(microsecond=0)
        whole = Calendar()
        whole.add("prodid", PRODUCT_ID)
        whole.add("version", "2.0")
        whole.add("method", "PUBLISH")
        whole.add_component(venue_timezone(PARIS, 2027))
        whole.add_component(event)
        assert attachment.content == whole.to_ical()

"""Alerts to organisers: a session full, a late cancellation, a message not delivered, and
each evening the roster of tomorrow's sessions. Each goes through the outbox, once.

An alert is queued where it happens (in that transaction) for the organisers as a whole:
one row addressed to the ``organisers`` inbox, with a key unique to the event. The sender
fans such a row out to every organiser of the settings (Telegram ids, e-mail addresses),
and to the organisers added with a Telegram id who may see it (a network organiser: every
alert; an organisation's: those about its sessions), one row each with the event's key and
the recipient, so each organiser gets it once. The engine keeps the inbox only while
organisers are set: without one, nothing is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.outbox.queue import enqueue, mark
from core.seats.organisations import scope_of
from core.seats.people import find_or_add_person, find_person
from models import (
    Booking,
    Organisation,
    Organiser,
    OutboxMessage,
    OutboxStatus,
    Person,
    SessionStatus,
    WorkshopSession,
)

ORGANISERS = "organisers"
"""The channel of the inbox where alerts wait to be fanned out to each organiser."""
EMAIL = "email"
TELEGRAM = "telegram"

SESSION_FULL = "alert_full"
LATE_CANCEL = "alert_late_cancel"
UNDELIVERED = "alert_undelivered"
DIGEST = "organiser_digest"
CALL_BACK = "alert_call_back"
ALERT_KINDS = frozenset({SESSION_FULL, LATE_CANCEL, UNDELIVERED, DIGEST, CALL_BACK})

LATE = timedelta(hours=24)
"""A cancellation this close to the start is told to the organisers."""


@dataclass(frozen=True, slots=True)
class Organisers:
    """Who gets the alerts: Telegram user ids and e-mail addresses."""

    telegram_ids: tuple[int, ...] = ()
    emails: tuple[str, ...] = ()
    own_name: str = ""
    """ORGANISATION_NAME: whose organisers are told of the sessions of no organisation."""

    @classmethod
    def of(cls, settings: Settings) -> Organisers:
        """The organisers of the settings (e-mail only when SMTP is set up)."""
        emails = tuple(settings.organiser_emails) if settings.smtp_host else ()
        return cls(tuple(settings.admin_telegram_ids), emails, settings.organisation_name)

    def addresses(self) -> list[tuple[str, str]]:
        """Each organiser as (channel, address)."""
        return [(TELEGRAM, str(i)) for i in self.telegram_ids] + [(EMAIL, e) for e in self.emails]


async def _on_telegram(session: AsyncSession) -> list[tuple[Organiser, Organisation]]:
    """The organisers added with a Telegram id, with their organisation."""
    rows = await session.execute(
        select(Organiser, Organisation)
        .join(Organisation, Organisation.id == Organiser.organisation_id)
        .where(Organiser.telegram_id.is_not(None))
    )
    return [(organiser, organisation) for organiser, organisation in rows.all()]


async def _session_of(session: AsyncSession, payload: dict[str, Any]) -> WorkshopSession | None:
    """The session an alert is about, if it is about one."""
    session_id = payload.get("session_id")
    if session_id is None and payload.get("booking_id") is not None:
        booking = await session.get(Booking, int(payload["booking_id"]))
        session_id = booking.session_id if booking is not None else None
    return await session.get(WorkshopSession, int(session_id)) if session_id else None


async def told_on_telegram(
    session: AsyncSession, row: OutboxMessage, organisers: Organisers
) -> list[tuple[str, str]]:
    """The organisers added with a Telegram id who may see this alert."""
    found: list[tuple[str, str]] = []
    about: WorkshopSession | None = None
    looked = False
    for organiser, organisation in await _on_telegram(session):
        scope = scope_of(organiser, organisation, organisers.own_name)
        if not scope.everything:
            if not looked:
                about, looked = await _session_of(session, row.payload), True
            if about is None or not scope.covers(about):
                continue
        found.append((TELEGRAM, str(organiser.telegram_id)))
    return found


async def keep_inbox(session: AsyncSession, organisers: Organisers, now: datetime) -> None:
    """The organisers' inbox exists while there is somebody to tell."""
    if organisers.addresses() or await _on_telegram(session):
        inbox = await find_or_add_person(session, ORGANISERS, ORGANISERS, now)
        if now - inbox.last_seen_at >= timedelta(days=1):
            inbox.last_seen_at = now  # in use: not erased as an inactive person
    else:
        await session.execute(
            delete(Person).where(Person.channel == ORGANISERS, Person.external_id == ORGANISERS)
        )


async def queue_alert(
    session: AsyncSession, kind: str, key: str, now: datetime, payload: dict[str, Any]
) -> bool:
    """Queue an alert for the organisers, once per key (nothing when none is set)."""
    inbox = await find_person(session, ORGANISERS, ORGANISERS)
    if inbox is None:
        return False
    return await enqueue(
        session, key=key, person_id=inbox.id, kind=kind, due_at=now, payload=payload
    )


async def alert_if_full(
    session: AsyncSession,
    workshop: WorkshopSession,
    booking: Booking,
    now: datetime,
    *,
    fresh: bool = False,
) -> None:
    """The seat just taken was the last one (``fresh``: ``workshop`` holds the seats taken
    as the seat's own UPDATE left them, no need to read them again)."""
    if not fresh:
        await session.refresh(workshop, ["seats_taken"])
    if workshop.seats_taken >= workshop.capacity:
        key = f"{SESSION_FULL}:{workshop.id}:{booking.id}"
        await queue_alert(session, SESSION_FULL, key, now, {"session_id": workshop.id})


async def alert_if_late(
    session: AsyncSession, workshop: WorkshopSession, booking: Booking, now: datetime
) -> None:
    """A booked seat given up less than a day before the start."""
    if workshop.starts_at - now < LATE:
        payload = {"session_id": workshop.id, "booking_id": booking.id}
        await queue_alert(session, LATE_CANCEL, f"{LATE_CANCEL}:{booking.id}", now, payload)


async def alert_undelivered(session: AsyncSession, row_id: int, now: datetime) -> None:
    """A message failed for good (alerts themselves excepted: they would loop)."""
    row = await session.get(OutboxMessage, row_id)
    if row is None or row.kind in ALERT_KINDS:
        return
    payload = {"row_id": row.id, "person_id": row.person_id, "kind": row.kind}
    if "booking_id" in row.payload:
        payload["booking_id"] = row.payload["booking_id"]
    await queue_alert(session, UNDELIVERED, f"{UNDELIVERED}:{row.id}", now, payload)


async def alert_call_back(session: AsyncSession, person: Person, day: date, now: datetime) -> bool:
    """A caller of the phone line asks an organiser to call them back (once a day).

    Return whether somebody will be told: False when no organiser is set.
    """
    if await find_person(session, ORGANISERS, ORGANISERS) is None:
        return False
    key = f"{CALL_BACK}:{person.id}:{day.isoformat()}"
    await queue_alert(session, CALL_BACK, key, now, {"person_id": person.id})
    return True


def digest_day(now: datetime, zone: ZoneInfo, at: time) -> date | None:
    """The day whose sessions this evening's digest lists, once ``at`` has passed."""
    local = now.astimezone(zone)
    if local.time() < at:
        return None
    return local.date() + timedelta(days=1)


async def plan_digest(session: AsyncSession, now: datetime, zone: ZoneInfo, at: time) -> bool:
    """Queue this evening's roster of tomorrow's sessions (when there are any), once."""
    day = digest_day(now, zone, at)
    if day is None:
        return False
    start, end = day_bounds(day, zone)
    query = select(func.count()).where(
        WorkshopSession.status == SessionStatus.SCHEDULED,
        WorkshopSession.starts_at >= start,
        WorkshopSession.starts_at < end,
    )
    if not (await session.execute(query)).scalar_one():
        return False
    key = f"{DIGEST}:{day.isoformat()}"
    return await queue_alert(session, DIGEST, key, now, {"day": day.isoformat()})


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The start of ``day`` and of the next, local, as aware datetimes."""
    start = datetime.combine(day, time(0, 0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)


async def fan_out(
    session: AsyncSession, row: OutboxMessage, organisers: Organisers, now: datetime
) -> int:
    """Copy an alert to each organiser (once each); the inbox row is done."""
    copies = 0
    everyone = list(
        dict.fromkeys(organisers.addresses() + await told_on_telegram(session, row, organisers))
    )
    for channel, address in everyone:
        person = await find_or_add_person(session, channel, address, now)
        copies += await enqueue(
            session,
            key=f"{row.key}>{person.id}",
            person_id=person.id,
            kind=row.kind,
            due_at=now,
            payload=row.payload,
        )
    if everyone:
        await mark(session, row.id, OutboxStatus.SENT, now)
    else:
        await mark(session, row.id, OutboxStatus.DROPPED, now, error="no organisers")
    return copies

"""Reminders before a session, on the days of ``REMINDER_DAYS_BEFORE`` at ``REMINDER_TIME``.

A reminder is queued in the outbox when a seat is taken (by the booking services), and the
scheduler plans them again from the bookings themselves with the current settings: a
reminder time changed between a booking and a restart still holds, and nothing depends on
what was queued before. The key (booking, start time and day) keeps every reminder to one
row. It plans everything at start-up and hourly; in between, each tick looks only at
bookings changed since the last one and at sessions just come within the planning horizon
(thousands of bookings otherwise cost a second every tick).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.outbox.queue import Queued, drop_pending, enqueue_all
from core.seats.people import recipient, recipient_of
from models import (
    Booking,
    BookingStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    SessionStatus,
    WorkshopSession,
)

PLANNING_HORIZON = timedelta(days=2)
"""Planning looks this far beyond the earliest reminder day (a reminder due within a day)."""

REMINDER = "reminder"

LATE_GRACE = timedelta(hours=12)
"""An earlier reminder (three days before) still goes out this long after its time."""


@dataclass(frozen=True, slots=True)
class ReminderRule:
    """When reminders go out: at ``at`` local time, ``days_before`` days before a session."""

    zone: ZoneInfo
    at: time
    days_before: tuple[int, ...] = (1,)

    @classmethod
    def of(cls, settings: Settings) -> ReminderRule:
        """The rule the settings describe."""
        return cls(settings.zone, settings.reminder_time, tuple(settings.reminder_days_before))

    @property
    def horizon(self) -> timedelta:
        """Sessions starting within this time have their reminders planned."""
        return PLANNING_HORIZON + timedelta(days=max(self.days_before, default=1) - 1)

    def moot(self, starts_at: datetime, days: int, due: datetime, now: datetime) -> bool:
        """Whether a reminder that is late no longer helps: a closer one is due already,
        or (for all but the closest day) its time passed more than LATE_GRACE ago."""
        times = self.due_times(starts_at)
        if any(other < days and other_due <= now for other, other_due in times):
            return True
        closest = min((other for other, _ in times), default=days)
        return days != closest and now - due > LATE_GRACE

    def due_times(self, starts_at: datetime) -> list[tuple[int, datetime]]:
        """Each reminder day with its due time, in UTC, those before the start only."""
        return [
            (days, due)
            for days in self.days_before
            if (due := reminder_due(starts_at, self.zone, self.at, days)) < starts_at
        ]


def reminder_due(starts_at: datetime, zone: ZoneInfo, at: time, days: int = 1) -> datetime:
    """``days`` days before the session (the day before by default), at ``at`` local, in UTC."""
    day = starts_at.astimezone(zone).date() - timedelta(days=days)
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def reminder_key_prefix(booking_id: int) -> str:
    """Every reminder of one booking starts with this key."""
    return f"{REMINDER}:{booking_id}:"


def reminder_key(booking_id: int, starts_at: datetime, days: int = 1) -> str:
    """One reminder per booking, start time and day: a moved session gets new ones.

    The day before keeps the key it had when it was the only reminder, so rows queued
    before an upgrade are not sent twice.
    """
    key = f"{reminder_key_prefix(booking_id)}{int(starts_at.timestamp())}"
    return key if days == 1 else f"{key}:{days}"


async def queue_reminders(
    session: AsyncSession,
    booking: Booking,
    workshop: WorkshopSession,
    rule: ReminderRule,
    now: datetime,
) -> int:
    """Queue the reminders still to come (a passed one: the confirmation said it all), all
    in one statement."""
    told = await recipient_of(session, booking)
    starts_at = workshop.starts_at
    return await enqueue_all(
        session,
        [
            Queued(
                key=reminder_key(booking.id, starts_at, days),
                person_id=told,
                kind=REMINDER,
                due_at=due,
                payload={"booking_id": booking.id, "days": days},
            )
            for days, due in rule.due_times(starts_at)
            if due > now
        ],
    )


async def queue_reminder(
    session: AsyncSession,
    booking: Booking,
    workshop: WorkshopSession,
    *,
    zone: ZoneInfo,
    at: time,
    now: datetime,
    days_before: tuple[int, ...] = (1,),
) -> bool:
    """Queue the reminders of one booking; whether any was queued."""
    rule = ReminderRule(zone, at, days_before)
    return bool(await queue_reminders(session, booking, workshop, rule, now))


async def plan_reminders(
    session: AsyncSession,
    now: datetime,
    *,
    zone: ZoneInfo,
    at: time,
    since: datetime | None = None,
    days_before: tuple[int, ...] = (1,),
) -> int:
    """Queue the missing reminders of sessions starting soon; return how many were queued.

    A booking made (or last changed) after a reminder's time does not get that one: its
    confirmation said it all. A queued reminder not yet sent moves to the current reminder
    time. With ``since``, only bookings changed since then and sessions that have come
    within the horizon since then are looked at.
    """
    rule = ReminderRule(zone, at, days_before)
    horizon = rule.horizon
    query = (
        select(
            Booking.id,
            Booking.person_id,
            Booking.updated_at,
            WorkshopSession.starts_at,
            Person.channel,
            Booking.booked_by_id,
        )
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .join(Person, Person.id == Booking.person_id)
        .where(
            Booking.status == BookingStatus.BOOKED,
            WorkshopSession.status == SessionStatus.SCHEDULED,
            WorkshopSession.starts_at > now,
            WorkshopSession.starts_at <= now + horizon,
        )
    )
    if since is not None:
        crossed = [  # sessions that came within one day's horizon since the last tick
            and_(WorkshopSession.starts_at > since + h, WorkshopSession.starts_at <= now + h)
            for h in {PLANNING_HORIZON + timedelta(days=d - 1) for d in days_before}
        ]
        query = query.where(or_(Booking.updated_at >= since, *crossed))
    wanted: list[Queued] = []
    rows = await session.execute(query)
    for booking_id, holder_id, changed_at, starts_at, channel, booked_by_id in rows:
        person_id = recipient(holder_id, channel, booked_by_id)
        for days, due in rule.due_times(starts_at):
            if changed_at >= due or rule.moot(starts_at, days, due, now):
                continue
            wanted.append(
                Queued(
                    key=reminder_key(booking_id, starts_at, days),
                    person_id=person_id,
                    kind=REMINDER,
                    due_at=due,
                    payload={"booking_id": booking_id, "days": days},
                )
            )
    queued = 0
    for start in range(0, len(wanted), PLAN_BATCH):
        queued += await _plan_batch(session, wanted[start : start + PLAN_BATCH])
    return queued


PLAN_BATCH = 500
"""Reminders looked up and queued per statement when planning."""

_QUEUED = select(
    OutboxMessage.key, OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.due_at
).where(OutboxMessage.key.in_(bindparam("keys", expanding=True)))
_OUTBOX = cast(Table, OutboxMessage.__table__)
_MOVE = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.key == bindparam("queued_key"),
        _OUTBOX.c.status == OutboxStatus.PENDING,
        _OUTBOX.c.attempts == 0,
        _OUTBOX.c.due_at != bindparam("due"),
    )
    .values(due_at=bindparam("due"))
)
"""A queued reminder not tried yet, moved to its due time (a Core statement, run once per
reminder moved with ``executemany``)."""


async def _plan_batch(session: AsyncSession, wanted: list[Queued]) -> int:
    """Queue the reminders of ``wanted`` not queued yet (one statement), and move those
    queued, not yet tried, whose due time changed; return how many were queued.

    The reminders already queued are found by one query first: a tick plans again every
    booking changed lately (most of them queued when their seat was taken), and a
    statement per reminder held SQLite's write lock for hundreds of milliseconds, every
    tick of a busy hour, while people's answers waited behind it.
    """
    parameters = {"keys": [message.key for message in wanted]}
    queued_before = {
        key: (status, attempts, due_at)
        for key, status, attempts, due_at in await session.execute(_QUEUED, parameters)
    }
    missing = [message for message in wanted if message.key not in queued_before]
    queued = await enqueue_all(session, missing)
    moves = []
    for message in wanted:
        status, attempts, due_at = queued_before.get(message.key, (None, None, None))
        if status == OutboxStatus.PENDING and attempts == 0 and due_at != message.due_at:
            moves.append({"queued_key": message.key, "due": message.due_at})
    if moves:
        await session.execute(_MOVE, moves)
    return queued


async def drop_reminders(session: AsyncSession, booking_id: int) -> None:
    """A cancelled booking gets no reminder."""
    await drop_pending(session, reminder_key_prefix(booking_id))

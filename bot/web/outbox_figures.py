"""What the outbox page shows: messages by kind, channel and status, the oldest due one,
and this month's SMS segments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.queue import segments_since
from models import OutboxMessage, OutboxStatus, Person

QUEUED = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(slots=True)
class OutboxRow:
    """Messages of one kind on one channel."""

    kind: str
    channel: str
    queued: int = 0
    sent: int = 0
    failed: int = 0


@dataclass(slots=True)
class OutboxFigures:
    """The outbox at a glance."""

    rows: list[OutboxRow]
    oldest_due_seconds: float | None
    """How long the oldest message due and not yet sent has waited (None: nothing due)."""
    segments_this_month: int


def month_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The first day of this month, at midnight local time."""
    local = now.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def outbox_figures(session: AsyncSession, now: datetime, zone: ZoneInfo) -> OutboxFigures:
    """Count the outbox's rows (dropped ones are left out: they were never to be sent)."""
    counts = await session.execute(
        select(OutboxMessage.kind, Person.channel, OutboxMessage.status, func.count())
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.status != OutboxStatus.DROPPED)
        .group_by(OutboxMessage.kind, Person.channel, OutboxMessage.status)
    )
    rows: dict[tuple[str, str], OutboxRow] = {}
    for kind, channel, status, count in counts:
        row = rows.setdefault((kind, channel), OutboxRow(kind, channel))
        if status in QUEUED:
            row.queued += int(count)
        elif status == OutboxStatus.SENT:
            row.sent += int(count)
        elif status == OutboxStatus.FAILED:
            row.failed += int(count)
    oldest = (
        await session.execute(
            select(func.min(OutboxMessage.due_at)).where(
                OutboxMessage.status.in_(QUEUED), OutboxMessage.due_at <= now
            )
        )
    ).scalar_one_or_none()
    return OutboxFigures(
        rows=[rows[key] for key in sorted(rows)],
        oldest_due_seconds=None if oldest is None else (now - oldest).total_seconds(),
        segments_this_month=await segments_since(session, month_start(now, zone)),
    )

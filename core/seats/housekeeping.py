"""Routine clean-up: records kept only as long as they serve.

Handled update ids are needed while retries or replays can come; delivered or abandoned
outbox rows (which hold message texts) for a month, to answer "did my reminder go out?".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_

from core.config import Settings
from core.jobs import daily, every_tick
from models import Database, OutboxMessage, OutboxStatus, ProcessedUpdate, VoiceCall

TELEGRAM = "telegram"
UPDATE_MEMORY = timedelta(days=2)
"""Telegram's update ids: Telegram keeps undelivered updates for 24 hours, and only it
holds the webhook's secret token, so nobody else can replay one later."""

PROVIDER_ID_MEMORY = timedelta(days=400)
"""Every other channel's message ids (SMS providers, WhatsApp). A Twilio signature covers
the URL and the form but no time, so a captured request stays valid for ever: its id is
what makes a replay harmless. 400 days outlasts any retention period and a year of logs
that might have leaked one; after that a replay would be one old text, answered again."""
OUTBOX_MEMORY = timedelta(days=31)


@every_tick(order=10)
async def forget_old_updates_job(db: Database, settings: Settings, now: datetime) -> int:
    """Every tick: the record of updates no retry can bring again goes."""
    return await forget_old_updates(db, now)


async def forget_old_updates(db: Database, now: datetime) -> int:
    """Delete the record of updates handled long enough ago that none can come again."""
    telegram = ProcessedUpdate.channel == TELEGRAM
    async with db.transaction() as session:
        result = await session.execute(
            delete(ProcessedUpdate).where(
                or_(
                    and_(telegram, ProcessedUpdate.handled_at < now - UPDATE_MEMORY),
                    and_(~telegram, ProcessedUpdate.handled_at < now - PROVIDER_ID_MEMORY),
                )
            )
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


@daily(order=20)
async def forget_old_messages_job(db: Database, settings: Settings, now: datetime) -> int:
    """Daily: outbox rows done for a month go (they hold message texts)."""
    return await forget_old_messages(db, now)


async def forget_old_messages(db: Database, now: datetime) -> int:
    """Delete outbox rows sent, failed or dropped more than a month ago."""
    done = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED)
    async with db.transaction() as session:
        result = await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_(done), OutboxMessage.due_at < now - OUTBOX_MEMORY
            )
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


@daily(order=40)
async def forget_old_calls_job(db: Database, settings: Settings, now: datetime) -> int:
    """Daily: the phone line's calls no replay can find any more go."""
    return await forget_old_calls(db, now)


async def forget_old_calls(db: Database, now: datetime) -> int:
    """Delete the phone line's calls last heard of before PROVIDER_ID_MEMORY: until then a
    replayed request of such a call finds it and changes nothing."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(VoiceCall).where(VoiceCall.updated_at < now - PROVIDER_ID_MEMORY)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]

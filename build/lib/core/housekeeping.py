"""Routine clean-up: records kept only as long as they serve.

Handled update ids are needed while retries can come; delivered or abandoned outbox rows
(which hold message texts) for a month, to answer "did my reminder go out?".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from models import Database, OutboxMessage, OutboxStatus, ProcessedUpdate

UPDATE_MEMORY = timedelta(days=2)  # Telegram keeps undelivered updates for 24 hours
OUTBOX_MEMORY = timedelta(days=31)


async def forget_old_updates(db: Database, now: datetime) -> int:
    """Delete the record of updates handled long enough ago that none can be redelivered."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < now - UPDATE_MEMORY)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


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

"""Routine clean-up: the record of handled updates is only needed while retries can come."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from models import Database, ProcessedUpdate

UPDATE_MEMORY = timedelta(days=2)  # Telegram keeps undelivered updates for 24 hours


async def forget_old_updates(db: Database, now: datetime) -> int:
    """Delete the record of updates handled long enough ago that none can be redelivered."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < now - UPDATE_MEMORY)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]

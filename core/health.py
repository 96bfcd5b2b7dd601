"""Whether the bot can do its work now: a cheap question to the database, with a short wait."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text

from models import Database

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 2.0


async def database_reachable(db: Database, within: float = HEALTH_TIMEOUT_SECONDS) -> bool:
    """``SELECT 1`` answered within ``within`` seconds."""
    try:
        async with asyncio.timeout(within), db.sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception as error:  # unreachable, refused, timed out: not healthy
        log.warning("health check: the database is unreachable (%s)", type(error).__name__)
        return False
    return True

"""Whether the bot can do its work now: a small write to the database, with a short wait.

A ``SELECT`` is answered by a database on a full disk or opened read-only, though the bot
could then take no booking and mark no message sent. So the check writes: it sets the
one row every migrated database has (Alembic's version) to itself and commits. SQLite
writes that page to its journal, PostgreSQL to its WAL; a full disk or a read-only
database refuses it.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models import Database

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 2.0

WRITE = text("UPDATE alembic_version SET version_num = version_num")
"""A write that changes nothing, yet needs the journal and the disk."""


async def database_writable(db: Database, within: float = HEALTH_TIMEOUT_SECONDS) -> bool:
    """The small write above committed within ``within`` seconds."""
    try:
        async with asyncio.timeout(within), db.transaction(wait=within) as session:
            await session.execute(WRITE)
    except Exception as error:  # unreachable, refused, full, read-only, timed out
        reason = type(error).__name__
        if isinstance(error, DBAPIError) and error.orig is not None:
            reason += f": {str(error.orig).splitlines()[0][:120]}"
        log.warning("health check: the database cannot take a write (%s)", reason)
        return False
    return True

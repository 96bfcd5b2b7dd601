"""How well the bot reads, week by week and per language: counts only, never a text.

Every written message read counts as ``read``; one not understood also as
``not_understood``; one made clear by a clarifying question also as ``clarified``. The
rest were understood at once. Each count is a row of its own (an insert, which no other
turn waits on), summed when shown, and dropped after ``KEPT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.jobs import daily
from models import Database, WeeklyReadings

READ = "read"
NOT_UNDERSTOOD = "not_understood"
CLARIFIED = "clarified"
WEEKS_SHOWN = 8
KEPT = timedelta(weeks=26)


def week_of(now: datetime) -> date:
    """The Monday of the week ``now`` falls in (UTC)."""
    day = now.date()
    return day - timedelta(days=day.weekday())


_READINGS = cast(Table, WeeklyReadings.__table__)
_COUNT = insert(_READINGS).values(
    week=bindparam("week"), language=bindparam("language"), outcome=bindparam("outcome"), count=1
)
"""One count's row, as a Core INSERT built once: every written message makes one, and as an
object added to the session it cost the ORM's whole flush (about a tenth of a first
contact's CPU)."""


async def _count(session: AsyncSession, language: str, now: datetime, outcome: str) -> None:
    """One more message of ``outcome`` this week in ``language``."""
    parameters = {"week": week_of(now), "language": language[:8], "outcome": outcome}
    await session.execute(_COUNT, parameters)


async def count_read(session: AsyncSession, language: str, now: datetime) -> None:
    """A written message was read."""
    await _count(session, language, now, READ)


async def count_not_understood(session: AsyncSession, language: str, now: datetime) -> None:
    """A written message was not understood."""
    await _count(session, language, now, NOT_UNDERSTOOD)


async def count_clarified(session: AsyncSession, language: str, now: datetime) -> None:
    """A written message was understood once the person answered a clarifying question."""
    await _count(session, language, now, CLARIFIED)


@dataclass(frozen=True, slots=True)
class WeekShares:
    """One week in one language: how many messages, and the share of each outcome."""

    week: date
    language: str
    read: int
    understood: float
    clarified: float
    not_understood: float


async def weekly_shares(session: AsyncSession, now: datetime) -> list[WeekShares]:
    """The last ``WEEKS_SHOWN`` weeks, newest first, one line per language."""
    since = week_of(now) - timedelta(weeks=WEEKS_SHOWN - 1)
    columns = (WeeklyReadings.week, WeeklyReadings.language, WeeklyReadings.outcome)
    rows = await session.execute(
        select(*columns, func.sum(WeeklyReadings.count))
        .where(WeeklyReadings.week >= since)
        .group_by(*columns)
    )
    counts: dict[tuple[date, str], dict[str, int]] = {}
    for week, language, outcome, count in rows:
        counts.setdefault((week, language), {})[outcome] = int(count)
    shares: list[WeekShares] = []
    for (week, language), outcomes in counts.items():
        missed, clarified = outcomes.get(NOT_UNDERSTOOD, 0), outcomes.get(CLARIFIED, 0)
        read = max(outcomes.get(READ, 0), missed + clarified, 1)
        understood = read - missed - clarified
        shares.append(
            WeekShares(week, language, read, understood / read, clarified / read, missed / read)
        )
    return sorted(shares, key=lambda line: (-line.week.toordinal(), line.language))


@daily(order=31)
async def forget_old_weeks_job(db: Database, settings: Settings, now: datetime) -> int:
    """Daily: counts older than ``KEPT`` go (registered when ``core.seats.unread`` is)."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(WeeklyReadings).where(WeeklyReadings.week < week_of(now - KEPT))
        )
    return int(result.rowcount)  # type: ignore[attr-defined]

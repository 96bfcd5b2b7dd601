"""The outbox sender: claims due rows, renders them, hands them to a channel, marks them.

APScheduler only wakes it up; all it knows is in the database, so a restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialog import Reply
from bot.outbox import claim_due, mark
from models import Database, OutboxMessage, OutboxStatus, Person

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class Unreachable(Exception):
    """The person cannot be reached on their channel (blocked the bot, number gone)."""


class PermanentFailure(Exception):
    """The channel refused this message for good; retrying will not help."""


Render = Callable[[AsyncSession, OutboxMessage, Person, datetime], Awaitable[Reply | None]]
Deliver = Callable[[Person, Reply], Awaitable[None]]


class OutboxSender:
    """Deliver due outbox rows through the channel of each person."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        render: Render,
        deliverers: dict[str, Deliver],
        *,
        batch: int = 50,
    ) -> None:
        self.db = db
        self.clock = clock
        self.render = render
        self.deliverers = deliverers
        self.batch = batch

    async def run_once(self) -> int:
        """Send what is due now; return how many rows were handled."""
        handled = 0
        while True:
            now = self.clock.now()
            async with self.db.transaction() as session:
                rows = await claim_due(session, now, self.batch)
                work: list[tuple[int, Person, Reply | None]] = []
                for row in rows:
                    person = await session.get(Person, row.person_id)
                    assert person is not None
                    if person.unreachable or person.channel not in self.deliverers:
                        await mark(session, row.id, OutboxStatus.DROPPED, now, error="unreachable")
                        continue
                    work.append((row.id, person, await self.render(session, row, person, now)))
            if not rows:
                return handled
            for row_id, person, reply in work:
                await self._deliver(row_id, person, reply)
            handled += len(rows)

    async def _deliver(self, row_id: int, person: Person, reply: Reply | None) -> None:
        now = self.clock.now()
        if reply is None:
            async with self.db.transaction() as session:
                await mark(session, row_id, OutboxStatus.DROPPED, now, error="no longer applies")
            return
        try:
            await self.deliverers[person.channel](person, reply)
        except Unreachable as error:
            async with self.db.transaction() as session:
                stored = await session.get(Person, person.id)
                if stored is not None:
                    stored.unreachable = True
                await mark(session, row_id, OutboxStatus.FAILED, now, error=str(error)[:500])
            return
        except Exception as error:  # one failing row never holds the others up
            log.warning("outbox row %d not delivered: %s", row_id, type(error).__name__)
            async with self.db.transaction() as session:
                row = await session.get(OutboxMessage, row_id)
                attempts = row.attempts if row is not None else MAX_ATTEMPTS
                if isinstance(error, PermanentFailure) or attempts >= MAX_ATTEMPTS:
                    await mark(session, row_id, OutboxStatus.FAILED, now, error=str(error)[:500])
                else:
                    retry_at = now + timedelta(seconds=5 * 2**attempts)
                    await mark(
                        session,
                        row_id,
                        OutboxStatus.PENDING,
                        now,
                        error=str(error)[:500],
                        retry_at=retry_at,
                    )
            return
        async with self.db.transaction() as session:
            await mark(session, row_id, OutboxStatus.SENT, now)

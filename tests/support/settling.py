"""Waiting for the bot to finish what it has to send, instead of sleeping a fixed time."""

from __future__ import annotations

import asyncio

from sqlalchemy import and_, func, or_, select

from bot.runtime import Runtime
from models import OutboxMessage, OutboxStatus


async def sends_settled(runtime: Runtime, *, within: float = 0.3) -> None:
    """Return once the woken sends have finished and nothing due is left in the outbox.

    Gives up after ``within`` seconds (a row kept back on purpose, a paused sender): the
    caller then looks at what was sent by then, as a fixed sleep of that length would.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    busy = or_(
        OutboxMessage.status == OutboxStatus.SENDING,
        and_(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.due_at <= runtime.engine.clock.now(),
        ),
    )
    while True:
        await runtime.engine.settle()
        async with runtime.db.sessions() as session:
            left = (
                await session.execute(select(func.count()).select_from(OutboxMessage).where(busy))
            ).scalar_one()
        if not left or loop.time() >= deadline:
            return
        await asyncio.sleep(0.01)

"""APScheduler wakes the outbox sender and the offer expiry; it holds no state of its own."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


class Heartbeat:
    """Run ``tick`` at start-up and then every ``seconds``, never twice at once."""

    def __init__(self, tick: Callable[[], Awaitable[object]], seconds: float) -> None:
        self._tick = tick
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(
            self._safe_tick,
            "interval",
            seconds=seconds,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            id="heartbeat",
        )

    async def _safe_tick(self) -> None:
        try:
            await self._tick()
        except Exception:
            log.exception("scheduled work failed; it will run again at the next tick")

    def start(self) -> None:
        """Start waking up (inside a running event loop)."""
        self._scheduler.start()

    def pause(self) -> None:
        """Start no new tick; a tick that is running goes on to its end."""
        if self._scheduler.running:
            self._scheduler.pause()

    def stop(self) -> None:
        """Stop waking up."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

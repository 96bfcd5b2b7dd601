"""The answers a channel sends at once, held in the outbox while it sends them.

A channel that answers directly (Telegram) writes an update's replies in the outbox with
the update, held by it (:func:`core.outbox.queue.enqueue_all` with ``held_until``), then
sends them at once, paced. Each reply sent is forgotten: its row is deleted, many rows in
one statement, a moment later and off the update's path (:meth:`HeldReplies.sent`). While
a reply waits for its turn, its hold is renewed (one statement for all that wait long).
A reply that cannot be sent now is handed to the sender by the channel; one whose channel
dies before sending it stays held until its hold lapses, and the sender then sends it (in
the order of its rows: an update's replies, a chat's updates). A reply sent just before a
crash, and not yet forgotten, goes out a second time: the window is ``FLUSH_SECONDS``.
The sender of the same process never takes the rows held here (:meth:`HeldReplies.keys`),
even when their hold has lapsed (a loop stalled for a minute, a clock set forward).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from core.clock import Clock
from core.outbox.queue import HOLD, forget_sent, renew_held
from models import Database

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.25
"""How long the rows of replies sent are gathered before they are deleted together."""

RENEW_SECONDS = HOLD.total_seconds() / 3
"""How long a reply waits for its turn before its hold is renewed (and then again)."""

RETRY_SECONDS = 2.0
"""The wait before marks the database refused are tried again."""


class HeldReplies:
    """The rows of the replies in hand: renewed while they wait, deleted once sent."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        renew_seconds: float = RENEW_SECONDS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.flush_seconds = flush_seconds
        self.renew_seconds = renew_seconds
        self._in_hand: dict[str, float] = {}
        """Key of each row held and not sent yet: when it was last held (loop time)."""
        self._sent: list[str] = []
        """Keys of rows sent, to delete."""
        self._forgetting: list[str] = []
        """Keys of rows sent, being deleted."""
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def hold(self, keys: Iterable[str]) -> None:
        """Rows just written with their update, to be sent now."""
        if self._closed:
            return
        now = asyncio.get_running_loop().time()
        for key in keys:
            self._in_hand[key] = now
        self._start()

    def sent(self, key: str) -> None:
        """The reply of ``key`` has gone (or was refused for good): forget its row."""
        self._in_hand.pop(key, None)
        self._sent.append(key)
        self._wake.set()
        self._start()

    def let_go(self, keys: Iterable[str]) -> None:
        """Rows no longer in hand: handed to the sender, or left to it (their hold lapses)."""
        for key in keys:
            self._in_hand.pop(key, None)

    def keys(self) -> list[str]:
        """The keys of the rows in hand, sent or not: the sender of this process leaves
        them alone, even once their hold has lapsed (the clock jumped, the loop stalled)."""
        return [*self._in_hand, *self._sent, *self._forgetting]

    async def close(self) -> None:
        """Forget the rows of the replies sent; those still in hand are left to the sender."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        try:
            await self._forget()
        except Exception as error:  # they go out again once their hold lapses
            log.warning("%d replies sent were not marked (%s)", len(self._sent), error)

    def _start(self) -> None:
        if self._closed or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        """Delete the rows of the replies sent, gathered; renew the holds that wait long."""
        while self._sent or self._in_hand:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.renew_seconds):
                    await self._wake.wait()
            self._wake.clear()
            try:
                if self._sent:
                    await asyncio.sleep(self.flush_seconds)  # more come meanwhile
                    await self._forget()
                await self._renew()
            except Exception as error:  # kept, and tried again
                log.warning("the replies' rows could not be marked (%s)", type(error).__name__)
                await asyncio.sleep(RETRY_SECONDS)

    async def _forget(self) -> None:
        if not self._sent:
            return
        keys = self._forgetting = self._sent
        self._sent = []
        try:
            async with self.db.transaction() as session:
                await forget_sent(session, keys)
        except BaseException:
            self._sent = keys + self._sent
            raise
        finally:
            self._forgetting = []

    async def _renew(self) -> None:
        now = asyncio.get_running_loop().time()
        due = [key for key, held in self._in_hand.items() if now - held >= self.renew_seconds]
        if not due:
            return
        async with self.db.transaction() as session:
            await renew_held(session, due, self.clock.now() + HOLD)
        for key in due:
            if key in self._in_hand:
                self._in_hand[key] = now

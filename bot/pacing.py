"""Pacing of outgoing messages: a ceiling overall, a ceiling per chat, and pauses on demand.

Telegram allows about 30 messages a second overall and about one a second to one chat;
python-telegram-bot's AIORateLimiter does not enforce the second. A pacer spaces sends
evenly (no bursts, so a sliding-window check on the other side never trips) and, after a
429, holds every send back for the ``retry_after`` the server asked for.
"""

from __future__ import annotations

import asyncio

from aiolimiter import AsyncLimiter

# Past this many idle per-chat limiters, the idle ones are forgotten.
_KEEP_CHATS = 5_000


class Pacer:
    """Space sends at ``per_second`` overall and ``per_chat`` to any one chat."""

    def __init__(self, per_second: float, per_chat: float | None = None) -> None:
        self.per_second = per_second
        self.per_chat = per_chat
        self._overall = AsyncLimiter(1, 1 / per_second)
        self._chats: dict[str, AsyncLimiter] = {}
        self._resume_at = 0.0

    async def wait_turn(self, chat: str | None = None) -> None:
        """Return when one more message may go out (to ``chat``, when given)."""
        if chat is not None and self.per_chat is not None:
            await self._chat(chat).acquire()
        await self._wait_for_pause()
        await self._overall.acquire()
        await self._wait_for_pause()

    async def wait_overall(self) -> None:
        """Like :meth:`wait_turn` without the per-chat ceiling (answers to a person's message)."""
        await self._wait_for_pause()
        await self._overall.acquire()

    def pause(self, seconds: float) -> None:
        """Hold every send back for ``seconds`` (a 429's retry_after)."""
        loop = asyncio.get_running_loop()
        self._resume_at = max(self._resume_at, loop.time() + seconds)

    async def _wait_for_pause(self) -> None:
        left = self._resume_at - asyncio.get_running_loop().time()
        if left > 0:
            await asyncio.sleep(left)
            await self._wait_for_pause()  # the pause may have grown meanwhile

    def _chat(self, chat: str) -> AsyncLimiter:
        limiter = self._chats.get(chat)
        if limiter is None:
            if len(self._chats) >= _KEEP_CHATS:
                self._forget_idle()
            assert self.per_chat is not None
            limiter = self._chats[chat] = AsyncLimiter(1, 1 / self.per_chat)
        return limiter

    def _forget_idle(self) -> None:
        for chat, limiter in list(self._chats.items()):
            if limiter.has_capacity():
                del self._chats[chat]

"""Pacing of outgoing messages: a ceiling overall, a ceiling per chat, and pauses on demand.

Telegram allows about 30 messages a second overall and about one a second to one chat;
python-telegram-bot's AIORateLimiter does not enforce the second. A pacer hands out send
slots on a fixed schedule (no bursts, so a sliding-window check on the other side never
trips), keeps each chat's sends a full interval apart *as sent*, and after a 429 holds
every send back for the ``retry_after`` asked; slots handed out before the pause are
taken again afterwards rather than used all at once.

A small scheduler rather than a generic limiter (aiolimiter was tried): the three rules
must share one clock, and a leaky bucket knows neither the chat nor the pause.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

# Past this many chats remembered, those whose spacing has long passed are forgotten.
_KEEP_CHATS = 5_000
CHAT_MARGIN = 0.05
"""Seconds added to a chat's spacing: Telegram counts arrivals, and requests take a varying
time to arrive, so sends spaced exactly may arrive closer than the limit."""
FLOOD_WINDOW = 10.0
FLOOD_REFUSALS = 3
"""A chat refused this many times within ``FLOOD_WINDOW`` seconds floods."""
CHAT_SLACK = 0.25
"""A 429 for a send that came less than the chat's spacing plus this after the chat's
previous one is put down to the chat's own ceiling."""


@dataclass(slots=True)
class _Chat:
    """One chat's turn: its sends are serialised and spaced."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0
    last_at: float = float("-inf")
    gap: float = float("inf")
    """Time between the chat's last two sends."""
    refusals: deque[float] = field(default_factory=deque)
    """When Telegram refused this chat lately (429s of its own)."""

    def sent(self, now: float, interval: float = 0.0) -> None:
        """Note a send to the chat; the next paced one waits ``interval``."""
        self.gap, self.last_at = now - self.last_at, now
        self.next_at = max(self.next_at, now + interval)


class Pacer:
    """Space sends at ``per_second`` overall and ``per_chat`` to any one chat."""

    def __init__(self, per_second: float, per_chat: float | None = None) -> None:
        self.per_second = per_second
        self.per_chat = per_chat
        self._interval = 1 / per_second
        self._chat_interval = 1 / per_chat if per_chat else 0.0
        self._slots = asyncio.Lock()
        self._next_slot = 0.0
        self._resume_at = 0.0
        self._pauses = 0
        self._chats: dict[str, _Chat] = {}

    async def wait_turn(self, chat: str | None = None) -> None:
        """Return when one more message may go out (to ``chat``, when given)."""
        if chat is None or self.per_chat is None:
            await self._slot()
            return
        turn = self._chat(chat)
        async with turn.lock:
            await _sleep_until(turn.next_at)
            await self._slot()
            turn.sent(_now(), self._chat_interval + CHAT_MARGIN)

    async def wait_overall(self, chat: str | None = None) -> None:
        """Like :meth:`wait_turn` without the per-chat ceiling (answers to a person's message).

        The send is noted for ``chat``, when given, so that a 429 that follows is put down
        to the right ceiling (:meth:`refused`); it does not delay the chat's paced sends.
        """
        await self._slot()
        if chat is not None and self.per_chat is not None:
            self._chat(chat).sent(_now())

    def held_back(self, chat: str) -> bool:
        """Whether ``chat`` floods: Telegram refused it ``FLOOD_REFUSALS`` times lately."""
        turn = self._chats.get(chat)
        if turn is None:
            return False
        while turn.refusals and turn.refusals[0] < _now() - FLOOD_WINDOW:
            turn.refusals.popleft()
        return len(turn.refusals) >= FLOOD_REFUSALS

    def refused(self, chat: str | None, seconds: float) -> None:
        """A 429 asking to wait ``seconds``. When the refused send came within the chat's
        spacing of the one before, the chat's own ceiling was hit: that chat alone waits.
        Otherwise the overall one was: every send waits (:meth:`pause`)."""
        turn = self._chats.get(chat) if chat is not None else None
        if turn is None or turn.gap >= self._chat_interval + CHAT_SLACK:
            self.pause(seconds)
            return
        turn.next_at = max(turn.next_at, _now() + seconds)
        turn.refusals.append(_now())

    def pause(self, seconds: float) -> None:
        """Hold every send back for ``seconds`` (a 429's retry_after)."""
        self._resume_at = max(self._resume_at, _now() + seconds)
        self._pauses += 1

    async def _slot(self) -> None:
        """Wait for the next overall slot; start again if a pause began meanwhile."""
        while True:
            await _sleep_until(self._resume_at)
            async with self._slots:
                pauses = self._pauses
                await _sleep_until(self._next_slot)
                if self._pauses != pauses or self._resume_at > _now():
                    continue  # a 429 came in while waiting: this slot is void
                now = _now()
                # Keep to the schedule: a late wake-up is caught up, by a quarter slot at
                # most, so sends never bunch up.
                self._next_slot = max(self._next_slot, now - self._interval / 4) + self._interval
                return

    def _chat(self, chat: str) -> _Chat:
        turn = self._chats.get(chat)
        if turn is None:
            if len(self._chats) >= _KEEP_CHATS:
                self._forget_idle()
            turn = self._chats[chat] = _Chat()
        return turn

    def _forget_idle(self) -> None:
        now = _now()
        for chat, turn in list(self._chats.items()):
            if not turn.lock.locked() and turn.next_at < now and not turn.refusals:
                del self._chats[chat]


def _now() -> float:
    return asyncio.get_running_loop().time()


async def _sleep_until(moment: float) -> None:
    delay = moment - _now()
    if delay > 0:
        await asyncio.sleep(delay)

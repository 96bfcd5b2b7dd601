"""Pacing of outgoing messages: a ceiling overall, a ceiling per chat, priorities, pauses.

Telegram allows about 30 messages a second overall and about one a second to one chat;
python-telegram-bot's AIORateLimiter does not enforce the second. A pacer hands out send
slots on a fixed schedule (no bursts, so a sliding-window check on the other side never
trips), keeps each chat's paced sends a full interval apart *as sent*, and after a 429
holds every send back for the ``retry_after`` asked.

When more wait than a slot serves, the slot goes to the most urgent (an answer to what a
person just did before a calendar file, a reminder or a broadcast; see
:mod:`core.outbox.priority`), aged so that nothing waits for ever: a waiter's place is the
moment it could go (it came, and its chat's spacing had passed) plus its class's ``AGING``,
and the earliest place is served first. A chat that sends a lot takes its places a second
apart (an answer, which may go at once in the short burst Telegram tolerates, too), so a
flooder goes behind everyone who came meanwhile and costs the others nothing, and when
others wait a chat's second message goes once its own ceiling allows it, not into a 429.

A small scheduler rather than a generic limiter (aiolimiter was tried): the rules must
share one clock, and a leaky bucket knows neither the chat, nor the pause, nor who is first.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass, field

from core.outbox.priority import AGING, Priority, sending

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
    """One chat's turn: its paced sends are spaced."""

    next_at: float = 0.0
    last_at: float = float("-inf")
    gap: float = float("inf")
    """Time between the chat's last two sends."""
    refusals: deque[float] = field(default_factory=deque)
    """When Telegram refused this chat lately (429s of its own)."""
    waiting: int = 0
    """Paced sends of this chat waiting for a slot."""

    def sent(self, now: float, interval: float = 0.0) -> None:
        """Note a send to the chat; the next paced one waits ``interval``."""
        self.gap, self.last_at = now - self.last_at, now
        self.next_at = max(self.next_at, now + interval)


@dataclass(slots=True)
class _Waiter:
    """One send waiting for its slot."""

    place: float
    """When it could go, plus its class's aging: the earliest place is served first."""
    order: int
    came: float
    turn: _Chat | None
    """Its chat, when the chat's spacing applies."""
    chat: _Chat | None
    """Its chat, to note the send for (:meth:`Pacer.refused`)."""
    granted: asyncio.Future[None]


class Pacer:
    """Space sends at ``per_second`` overall and ``per_chat`` to any one chat, the most
    urgent first."""

    def __init__(self, per_second: float, per_chat: float | None = None) -> None:
        self.per_second = per_second
        self.per_chat = per_chat
        self._interval = 1 / per_second
        self._chat_interval = 1 / per_chat if per_chat else 0.0
        self._next_slot = 0.0
        self._resume_at = 0.0
        self._chats: dict[str, _Chat] = {}
        self._waiting: list[_Waiter] = []
        self._order = itertools.count()
        self._came = asyncio.Event()
        self._serving: asyncio.Task[None] | None = None
        self.longest_wait = 0.0
        """The longest any send waited for its slot so far (seconds)."""

    async def wait_turn(self, chat: str | None = None, priority: Priority | None = None) -> None:
        """Return when one more message may go out (to ``chat``, a full spacing after its
        last paced one, when given). ``priority``: by default the class of the outbox row
        this task delivers (:func:`core.outbox.priority.sending`)."""
        paced = chat is not None and self.per_chat is not None
        turn = self._chat(chat) if paced and chat is not None else None
        await self._wait(turn, turn, sending() if priority is None else priority)

    async def wait_overall(
        self, chat: str | None = None, priority: Priority = Priority.ANSWER
    ) -> None:
        """Like :meth:`wait_turn` without the per-chat spacing.

        The send is noted for ``chat``, when given, so that a 429 that follows is put down
        to the right ceiling (:meth:`refused`); it does not delay the chat's paced sends.
        """
        noted = self._chat(chat) if chat is not None and self.per_chat is not None else None
        await self._wait(None, noted, priority)

    async def _wait(self, turn: _Chat | None, chat: _Chat | None, priority: Priority) -> None:
        now = _now()
        could_go = now
        if turn is not None:
            could_go = max(now, turn.next_at)
        elif chat is not None:  # an answer goes at once, but not before the others' turn
            could_go = max(now, chat.last_at + self._chat_interval + CHAT_MARGIN)
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(could_go + AGING[priority], next(self._order), now, turn, chat, granted)
        self._waiting.append(waiter)
        if turn is not None:
            turn.waiting += 1
        self._came.set()
        self._serve()
        try:
            await granted
        finally:
            if turn is not None:
                turn.waiting -= 1
            if not granted.done():
                granted.cancel()

    def _serve(self) -> None:
        """Start handing out slots, unless it runs already (in this event loop)."""
        serving = self._serving
        if serving is not None and not serving.done() and serving.get_loop() is _loop():
            return
        self._serving = asyncio.create_task(self._hand_out())

    async def _hand_out(self) -> None:
        """Hand each slot to the waiter with the earliest place whose chat may be sent to."""
        while True:
            self._waiting = [w for w in self._waiting if not w.granted.done()]
            if not self._waiting:
                return
            await _sleep_until(max(self._next_slot, self._resume_at))
            now = _now()
            if self._resume_at > now:
                continue  # a 429 came in meanwhile
            ready = [w for w in self._waiting if w.turn is None or w.turn.next_at <= now]
            ready = [w for w in ready if not w.granted.done()]
            if not ready:
                self._came.clear()
                soonest = min(
                    (w.turn.next_at for w in self._waiting if w.turn is not None),
                    default=now + self._interval,
                )
                try:
                    async with asyncio.timeout(max(0.0, soonest - now)):
                        await self._came.wait()
                except TimeoutError:
                    pass
                continue
            first = min(ready, key=lambda w: (w.place, w.order))
            self._waiting.remove(first)
            # Keep to the schedule: a late slot is caught up, by a quarter slot at most, so
            # sends never bunch up.
            self._next_slot = max(self._next_slot, now - self._interval / 4) + self._interval
            if first.turn is not None:
                first.turn.sent(now, self._chat_interval + CHAT_MARGIN)
            elif first.chat is not None:
                first.chat.sent(now)
            self.longest_wait = max(self.longest_wait, now - first.came)
            first.granted.set_result(None)

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
            if not turn.waiting and turn.next_at < now and not turn.refusals:
                del self._chats[chat]


def _loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def _now() -> float:
    return asyncio.get_running_loop().time()


async def _sleep_until(moment: float) -> None:
    delay = moment - _now()
    if delay > 0:
        await asyncio.sleep(delay)

"""Updates from different chats at once, each chat's updates one after the other, in order."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import TracebackType

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from core.outbox.priority import AGING, Priority

MAX_CONCURRENT_UPDATES = 8
"""Updates handled at once. Measured with 300 people booking on SQLite (bench/conversation):
one at a time sustains 79 updates/s but a p99 of 197 ms at half that load; 8 sustain
71 updates/s with a p99 of 79 ms; 32 spend more CPU per update (60-66 updates/s)."""

_UNBOUNDED = 2**31 - 1
"""The base class takes its slot before the chat's turn; it is left wide open and
:attr:`ChatOrder.slots` bounds the work instead, once the chat's turn has come."""


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (its sender when it has no chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


BEHIND: ContextVar[int] = ContextVar("behind", default=0)
"""While an update is processed: how many more of its chat's updates wait behind it (a chat
that floods has many; a person who taps and waits has none)."""


class Slots:
    """At most ``size`` handlers at work at once; when more wait, the most urgent first.

    As the pacer orders sends (:mod:`core.outbox.priority`): a waiter's place is when it came
    plus its class's ``AGING``, the earliest place first. A newcomer's /start is handled
    before the taps of people already talking that came a little earlier, so that when the
    bot's CPU is the limit (a poster's rush) the first answer is not kept behind everybody's
    next step (whose seat is taken once its turn comes, and told at once in a few words);
    nothing waits for later comers longer than the difference of their agings.
    ``async with slots:`` takes a slot as an answer.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.busy = 0
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @asynccontextmanager
    async def take(self, priority: Priority = Priority.ANSWER) -> AsyncIterator[None]:
        """Hold a slot for the work of one update of class ``priority``."""
        await self._acquire(priority)
        try:
            yield
        finally:
            self._release()

    async def __aenter__(self) -> None:
        await self._acquire(Priority.ANSWER)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._release()

    async def _acquire(self, priority: Priority) -> None:
        if self.busy < self.size and not self._waiting:
            self.busy += 1
            return
        loop = asyncio.get_running_loop()
        granted: asyncio.Future[None] = loop.create_future()
        place = loop.time() + AGING[priority]
        heapq.heappush(self._waiting, (place, next(self._order), granted))
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._release()  # handed over just as it was cancelled: pass it on
            raise

    def _release(self) -> None:
        """Hand the slot to the earliest waiter still waiting, or free it."""
        while self._waiting:
            _, _, granted = heapq.heappop(self._waiting)
            if not granted.done():
                granted.set_result(None)
                return
        self.busy -= 1


@dataclass(slots=True)
class _Chat:
    """One chat's two turns: to be handled, then to send, each first come, first served."""

    handling: asyncio.Lock = field(default_factory=asyncio.Lock)
    sending: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    """Updates of the chat in hand (waiting, handled or sending)."""
    to_handle: int = 0
    """Updates of the chat not handled yet (the one being handled included)."""


@dataclass(slots=True)
class _Turn:
    """What the update being processed holds of its chat's turns."""

    chat: _Chat
    handling: bool = False
    sending: bool = False

    def release(self) -> None:
        """Give back whatever the update still holds (it is done)."""
        if self.handling:
            self.handling = False
            self.chat.to_handle -= 1
            self.chat.handling.release()
        if self.sending:
            self.sending = False
            self.chat.sending.release()


_TURN: ContextVar[_Turn | None] = ContextVar("turn", default=None)


async def send_turn() -> None:
    """Once the update in hand has been handled: wait for its chat's earlier replies to have
    gone, and let the chat's next update be handled meanwhile. Nothing outside a chat's
    turn (:meth:`ChatOrder.do_process_update`)."""
    turn = _TURN.get()
    if turn is None or turn.sending:
        return
    if turn.handling:
        turn.handling = False
        turn.chat.to_handle -= 1
        turn.chat.handling.release()  # the next update runs once this one waits, below
    # In line for sending at once (the lock queues its waiter before the first wait), so
    # before the next update can be: the chat's replies keep the order of its updates.
    await turn.chat.sending.acquire()
    turn.sending = True


class ChatOrder(BaseUpdateProcessor):
    """Process updates concurrently, but one chat's one after the other, in order.

    An update first waits for its chat's turn (the chat's earlier updates handled); its
    handler then takes one of the shared :attr:`slots` for the work that costs (the flows
    and their transaction), not for the time its answers wait on Telegram's pacing. A chat
    that floods thus holds at most one slot, and everyone else is still answered promptly.
    Once handled (:func:`send_turn`), the update waits for the chat's earlier replies to have
    gone before sending its own, and the chat's next update may be handled meanwhile: the
    webhook answers it without waiting for the replies before it. A chat's updates are
    handled, and answered, in the order they were received (its locks are first come, first
    served); among chats, a newcomer's /start takes a free slot first (:class:`Slots`).
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(_UNBOUNDED)
        self.size = max_concurrent_updates
        self.slots = Slots(max_concurrent_updates)
        self._chats: dict[int, _Chat] = {}

    @contextmanager
    def _chat_of(self, key: int) -> Iterator[_Chat]:
        """The chat's turns, forgotten once no update of that chat is in hand."""
        chat = self._chats.setdefault(key, _Chat())
        chat.users += 1
        chat.to_handle += 1
        try:
            yield chat
        finally:
            chat.users -= 1
            if not chat.users:
                del self._chats[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Wait for the chat's earlier updates to be handled, then process this one (it
        takes a slot; its sends wait for the earlier ones', :func:`send_turn`)."""
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        with self._chat_of(key) as chat:
            turn = _Turn(chat)
            try:
                await chat.handling.acquire()
            except BaseException:
                chat.to_handle -= 1
                raise
            turn.handling = True
            token = _TURN.set(turn)
            try:
                # Those waiting to be handled only: a chat's updates waiting for a slot at
                # follow-up priority would hold Telegram's webhook connections meanwhile.
                BEHIND.set(chat.to_handle - 1)
                await coroutine
            finally:
                _TURN.reset(token)
                turn.release()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

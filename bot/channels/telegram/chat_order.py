"""Updates from different chats at once, each chat's updates one after the other, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager

from telegram import Update
from telegram.ext import BaseUpdateProcessor

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


class ChatOrder(BaseUpdateProcessor):
    """Process updates concurrently, but never two of one chat at the same time.

    An update first waits for its chat's turn (the chat's earlier updates are done); its
    handler then takes one of the shared :attr:`slots` for the work that costs (the flows
    and their transaction), not for the time its answers wait on Telegram's pacing. A chat
    that floods thus holds at most one slot, and everyone else is still answered promptly.
    Both waits are first come, first served, so a chat's updates are processed in the
    order they were received.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(_UNBOUNDED)
        self.size = max_concurrent_updates
        self.slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @contextmanager
    def _lock_of(self, key: int) -> Iterator[asyncio.Lock]:
        """The chat's lock, forgotten once no update of that chat is waiting for it."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            yield lock
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Wait for the chat's earlier updates, then process this one (it takes a slot)."""
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        with self._lock_of(key) as lock:
            async with lock:
                await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

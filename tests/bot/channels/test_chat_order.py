"""Fairness between chats: one chat that floods never holds up the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime

from telegram import Chat, Message, Update
from telegram.ext import BaseUpdateProcessor

from bot.channels.telegram.chat_order import ChatOrder, chat_key

FLOOD = 40
WORK_SECONDS = 0.01


def update_of(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="x"))


class SlotFirstOrder(BaseUpdateProcessor):
    """The former policy, kept as a control: a shared slot first, then the chat's lock."""

    def __init__(self) -> None:
        super().__init__(8)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = chat_key(update)
        assert key is not None
        async with self._locks.setdefault(key, asyncio.Lock()):
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def slots_of(order: BaseUpdateProcessor) -> AbstractAsyncContextManager[object]:
    """The slot a handler takes for its work (none under the former policy: it took one)."""
    return order.slots if isinstance(order, ChatOrder) else nullcontext()


async def finished(order: BaseUpdateProcessor, updates: list[Update]) -> list[tuple[int, int]]:
    """Process the updates as they arrive, in that order; (chat, update) as each finishes."""
    done: list[tuple[int, int]] = []

    async def work(update: Update) -> None:
        async with slots_of(order):
            await asyncio.sleep(WORK_SECONDS)
        done.append((chat_key(update) or 0, update.update_id))

    tasks = []
    for update in updates:
        tasks.append(asyncio.create_task(order.process_update(update, work(update))))
        await asyncio.sleep(0)  # it reaches its waits before the next one arrives
    await asyncio.gather(*tasks)
    return done


def flood_then_one_other() -> list[Update]:
    return [update_of(1, n) for n in range(FLOOD)] + [update_of(2, FLOOD)]


def position_of_the_other_chat(done: list[tuple[int, int]]) -> int:
    return [chat for chat, _ in done].index(2)


async def test_another_chat_is_answered_before_the_flood_is_drained() -> None:
    done = await finished(ChatOrder(), flood_then_one_other())
    assert position_of_the_other_chat(done) <= 1  # at most one of the flood before it


async def test_control_the_former_policy_keeps_the_other_chat_behind_the_flood() -> None:
    done = await finished(SlotFirstOrder(), flood_then_one_other())
    assert position_of_the_other_chat(done) > FLOOD // 2  # what the fair order prevents


async def test_each_chat_in_order_and_never_two_at_once() -> None:
    running: set[int] = set()
    working: set[int] = set()
    peak = 0
    seen: dict[int, list[int]] = {}
    order = ChatOrder(4)

    async def work(update: Update) -> None:
        nonlocal peak
        chat = chat_key(update) or 0
        assert chat not in running
        running.add(chat)
        async with order.slots:
            working.add(chat)
            peak = max(peak, len(working))
            await asyncio.sleep(WORK_SECONDS)
            working.discard(chat)
        await asyncio.sleep(WORK_SECONDS)  # waits on Telegram: the chat's turn, no slot
        seen.setdefault(chat, []).append(update.update_id)
        running.discard(chat)

    updates = [update_of(chat, n * 10 + chat) for n in range(5) for chat in range(1, 10)]
    await asyncio.gather(*(order.process_update(u, work(u)) for u in updates))
    assert peak == 4  # the shared slots bound the work, and are all used
    for chat, ids in seen.items():
        assert ids == sorted(ids), chat
        assert len(ids) == 5
    assert order.size == 4

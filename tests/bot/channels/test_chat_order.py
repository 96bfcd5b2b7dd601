"""Fairness between chats: one chat that floods never holds up the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update
from telegram.ext import BaseUpdateProcessor

from bot.channels.telegram.application import FLOODING_BEHIND, priority_of_update
from bot.channels.telegram.chat_order import BEHIND, ChatOrder, Slots, chat_key, send_turn
from core.dialog import Incoming, Kind, Sender
from core.outbox.priority import AGING, Priority

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
    # A few of the flood may finish before the other chat has even arrived on a busy machine
    # (the 41 arrivals are spread over the loop's turns); the former policy puts it past 20.
    assert position_of_the_other_chat(done) <= 3


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


async def slot_order(slots: Slots, arrivals: list[tuple[str, Priority, float]]) -> list[str]:
    """Who got a slot, in order: one holds it first, then the others come (name, class,
    seconds after the one before)."""
    taken: list[str] = []

    async def work(name: str, priority: Priority) -> None:
        async with slots.take(priority):
            taken.append(name)
            await asyncio.sleep(0.05)

    tasks = [asyncio.create_task(work("busy", Priority.ANSWER))]
    await asyncio.sleep(0)
    for name, priority, after in arrivals:
        await asyncio.sleep(after)
        tasks.append(asyncio.create_task(work(name, priority)))
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    return taken


async def test_a_newcomers_start_takes_the_next_free_slot_before_the_taps_waiting() -> None:
    arrivals = [(f"tap{n}", Priority.ANSWER, 0.0) for n in range(3)]
    taken = await slot_order(Slots(1), [*arrivals, ("newcomer", Priority.FIRST, 0.0)])
    assert taken == ["busy", "newcomer", "tap0", "tap1", "tap2"]


async def test_a_tap_waits_behind_newcomers_for_a_bounded_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(AGING, Priority.FIRST, -0.01)  # the rule, at a test's scale
    monkeypatch.setitem(AGING, Priority.ANSWER, 0.0)
    arrivals = [("tap", Priority.ANSWER, 0.0), ("newcomer", Priority.FIRST, 0.03)]
    taken = await slot_order(Slots(1), arrivals)
    assert taken == ["busy", "tap", "newcomer"]  # it came longer before than the lead


async def test_a_slot_given_up_while_waiting_is_not_lost() -> None:
    slots = Slots(1)
    async with slots.take():
        waiting = asyncio.create_task(slots._acquire(Priority.ANSWER))
        await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
    async with asyncio.timeout(1):
        async with slots.take(Priority.FIRST):
            assert slots.busy == 1
    assert slots.busy == 0


async def test_each_update_knows_how_many_of_its_chat_wait_behind_it() -> None:
    order = ChatOrder()
    seen: dict[int, list[int]] = {}

    async def work(update: Update) -> None:
        await asyncio.sleep(WORK_SECONDS)
        seen.setdefault(chat_key(update) or 0, []).append(BEHIND.get())

    flood = [update_of(1, n) for n in range(5)]
    tasks = [asyncio.create_task(order.process_update(u, work(u))) for u in flood]
    await asyncio.sleep(0)
    await order.process_update(update_of(2, 99), work(update_of(2, 99)))
    await asyncio.gather(*tasks)
    # The flood's first update started before the rest arrived; the second had three behind.
    assert seen[1][1:] == [3, 2, 1, 0]
    assert seen[2] == [0]  # a person who writes once has none


def test_a_flooding_chat_takes_no_newcomer_s_place() -> None:
    start = Incoming(Sender("telegram", "7"), Kind.TEXT, text="/start")
    assert priority_of_update(start) is Priority.FIRST
    assert priority_of_update(start, behind=FLOODING_BEHIND) is Priority.FOLLOW_UP
    tap = Incoming(Sender("telegram", "7"), Kind.CHOICE, choice="x")
    assert priority_of_update(tap, behind=1) is Priority.ANSWER
    assert priority_of_update(tap, behind=FLOODING_BEHIND) is Priority.FOLLOW_UP


async def test_a_chats_next_update_is_handled_while_the_replies_before_it_wait() -> None:
    """The webhook answers an update once handled: a chat's updates are not held behind the
    replies of the one before (waiting for a send slot), and the replies keep their order."""
    order = ChatOrder(4)
    handled: list[int] = []
    sent: list[int] = []
    all_handled = asyncio.Event()
    slot = asyncio.Event()  # the first update's replies wait for a send slot until set

    async def work(update: Update) -> None:
        async with order.slots:
            handled.append(update.update_id)
        if len(handled) == 4:
            all_handled.set()
        await send_turn()
        if update.update_id == 1:
            await slot.wait()
        sent.append(update.update_id)

    updates = [update_of(5, n) for n in range(1, 5)]
    tasks = [asyncio.create_task(order.process_update(u, work(u))) for u in updates]
    async with asyncio.timeout(5):
        await all_handled.wait()
    assert handled == [1, 2, 3, 4]
    assert sent == []  # all behind the first update's replies
    slot.set()
    await asyncio.gather(*tasks)
    assert sent == [1, 2, 3, 4]

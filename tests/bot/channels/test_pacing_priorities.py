"""The pacer's order when more wait than it may send: answers first, none starved, and a
flooding chat costs the others nothing."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.pacing import Pacer
from core.outbox.priority import AGING, Priority


async def granted_at(pacer: Pacer, chat: str | None, priority: Priority, paced: bool) -> float:
    """Wait for a slot; return when it came."""
    if paced:
        await pacer.wait_turn(chat, priority)
    else:
        await pacer.wait_overall(chat, priority)
    return asyncio.get_running_loop().time()


def later(
    pacer: Pacer, chat: str | None, priority: Priority, paced: bool = True
) -> asyncio.Task[float]:
    return asyncio.create_task(granted_at(pacer, chat, priority, paced))


async def test_a_newcomers_first_answer_goes_before_queued_files_and_reminders() -> None:
    pacer = Pacer(20, per_chat=1)  # a slot every 50 ms
    queued = [later(pacer, f"booked{n}", Priority.FOLLOW_UP) for n in range(15)]
    queued += [later(pacer, f"reminded{n}", Priority.REMINDER) for n in range(15)]
    await asyncio.sleep(0.12)  # the first few have gone
    loop = asyncio.get_running_loop()
    asked = loop.time()
    first_answer = await granted_at(pacer, "newcomer", Priority.FIRST, paced=False)
    answered_after = [t for t in await asyncio.gather(*queued) if t > asked]
    assert first_answer - asked < 0.11  # the next slot or the one after
    assert len(answered_after) >= 25  # the rest went after it
    assert max(answered_after) > first_answer


async def test_a_newcomers_first_answer_goes_before_answers_to_people_talking() -> None:
    pacer = Pacer(20)
    talking = later(pacer, "marie", Priority.ANSWER, paced=False)
    newcomer = later(pacer, "newcomer", Priority.FIRST, paced=False)
    assert await newcomer < await talking


@pytest.mark.parametrize(
    ("priority", "before"),
    [
        (Priority.FOLLOW_UP, Priority.ANSWER),
        (Priority.REMINDER, Priority.ANSWER),
        (Priority.ANSWER, Priority.FIRST),
    ],
)
async def test_a_message_waits_behind_more_urgent_ones_for_its_aging_at_most(
    priority: Priority, before: Priority, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(AGING, before, 0.0)  # the rule, at a test's scale
    monkeypatch.setitem(AGING, priority, 0.4)
    pacer = Pacer(50)  # a slot every 20 ms
    stop = asyncio.Event()

    async def answers_without_end() -> None:  # always more answers waiting than slots
        number = 0
        while not stop.is_set():
            await asyncio.gather(
                *(granted_at(pacer, f"p{number}-{k}", before, False) for k in range(3))
            )
            number += 1

    stream = asyncio.create_task(answers_without_end())
    await asyncio.sleep(0.05)
    asked = asyncio.get_running_loop().time()
    follow_up = await granted_at(pacer, "marie", priority, paced=True)
    stop.set()
    await stream
    waited = follow_up - asked
    assert 0.3 < waited < 0.4 + 0.15  # the answers went first, then its aging ran out


async def test_a_flooding_chat_costs_the_others_nothing() -> None:
    pacer = Pacer(50, per_chat=5)  # a slot every 20 ms; 200 ms between sends to one chat
    flood = [later(pacer, "flood", Priority.ANSWER) for _ in range(30)]
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    asked = loop.time()
    others = await asyncio.gather(
        *(granted_at(pacer, f"p{n}", Priority.ANSWER, True) for n in range(8))
    )
    waits = [t - asked for t in others]
    # Eight sends at 50 a second take 160 ms: the others waited for each other, not the flood.
    assert max(waits) < 0.2 + 0.05
    for task in flood:
        task.cancel()
    await asyncio.gather(*flood, return_exceptions=True)


async def test_every_wait_is_seen_in_the_longest_wait() -> None:
    pacer = Pacer(20)
    await asyncio.gather(*(granted_at(pacer, None, Priority.BROADCAST, False) for _ in range(5)))
    assert 0.15 < pacer.longest_wait < 0.3

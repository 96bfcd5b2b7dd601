"""The pacer: even spacing overall, a full interval between sends to one chat, pauses."""

from __future__ import annotations

import asyncio
import itertools

from bot.channels.pacing import Pacer


async def send_times(pacer: Pacer, chats: list[str | None]) -> list[tuple[str | None, float]]:
    """Start one send per entry at once; return (chat, time) in the order they went."""
    loop = asyncio.get_running_loop()
    sent: list[tuple[str | None, float]] = []

    async def send(chat: str | None) -> None:
        await pacer.wait_turn(chat)
        sent.append((chat, loop.time()))

    await asyncio.gather(*(send(chat) for chat in chats))
    return sent


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


async def test_sends_are_spaced_evenly() -> None:
    sent = await send_times(Pacer(50), [None] * 15)
    assert min(gaps([t for _, t in sent])) >= 0.014  # 20 ms apart; a late one catches up a bit


async def test_sends_to_one_chat_are_a_full_interval_apart_as_sent() -> None:
    chats: list[str | None] = ["a", "a", "a", "b", "c", "d", "e", "f", "b", "c"]
    sent = await send_times(Pacer(50, per_chat=5), chats)
    for chat in "abc":
        times = [t for c, t in sent if c == chat]
        assert min(gaps(times)) >= 0.199, chat
    # The others did not wait for chat "a".
    assert [c for c, _ in sent][:6] == ["a", "b", "c", "d", "e", "f"]


async def test_a_pause_holds_everything_and_no_burst_follows() -> None:
    pacer = Pacer(50)
    loop = asyncio.get_running_loop()
    pacer.pause(0.3)
    paused_at = loop.time()
    task = asyncio.create_task(send_times(pacer, [None] * 10))
    await asyncio.sleep(0.1)
    pacer.pause(0.3)  # a second 429 while waiting: slots already handed out are void
    second_pause = loop.time()
    sent = await task
    times = [t for _, t in sent]
    assert times[0] >= max(paused_at, second_pause) + 0.29
    assert min(gaps(times)) >= 0.014

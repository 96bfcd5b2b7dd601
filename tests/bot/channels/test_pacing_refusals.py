"""429s: one chat's own ceiling holds back that chat alone; a flooding chat is noticed."""

from __future__ import annotations

import asyncio

from bot.channels.pacing import FLOOD_REFUSALS, Pacer


async def elapsed(wait: asyncio.Future[None] | asyncio.Task[None]) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    await wait
    return loop.time() - started


async def test_a_429_of_one_chat_holds_back_that_chat_alone() -> None:
    pacer = Pacer(1000, per_chat=10)  # a tenth of a second between sends to one chat
    await pacer.wait_overall("flood")
    await pacer.wait_overall("flood")  # a second message at once: the chat's own ceiling
    pacer.refused("flood", 0.3)
    other = await elapsed(asyncio.ensure_future(pacer.wait_turn("marie")))
    same = await elapsed(asyncio.ensure_future(pacer.wait_turn("flood")))
    assert other < 0.05  # everyone else goes on
    assert same >= 0.28


async def test_a_429_after_a_well_spaced_send_holds_back_everyone() -> None:
    pacer = Pacer(1000, per_chat=10)
    await pacer.wait_turn("marie")
    await asyncio.sleep(0.4)  # well past the chat's spacing: the overall ceiling was hit
    await pacer.wait_turn("marie")
    pacer.refused("marie", 0.3)
    other = await elapsed(asyncio.ensure_future(pacer.wait_turn("paul")))
    assert other >= 0.28


async def test_a_chat_refused_again_and_again_floods() -> None:
    pacer = Pacer(1000, per_chat=10)
    for _ in range(FLOOD_REFUSALS):
        assert not pacer.held_back("flood")
        await pacer.wait_overall("flood")
        await pacer.wait_overall("flood")
        pacer.refused("flood", 0.01)
    assert pacer.held_back("flood")
    assert not pacer.held_back("marie")

"""A reply call that meets a connection the Bot API closes (a keep-alive connection being
closed as the call goes out) is sent again at once: the person gets every message of the
answer, once, in order, within seconds, not after the minute an answer is held."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from core.clock import SystemClock
from models import Database, OutboxMessage, OutboxStatus
from tests.support.bot_api import Call, FakeBotApi
from tests.support.factories import make_settings

WITHIN = 3.0
"""Seconds from the call that failed to the last message of the answer."""


@pytest.fixture
async def running(database_url: str) -> AsyncIterator[tuple[FakeBotApi, Runtime]]:
    async with FakeBotApi() as api:
        settings = make_settings(
            database_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            outbox_poll_seconds=60,  # no scheduled pass of the sender during the test
        )
        runtime = Runtime(settings, SystemClock(), poll_timeout=1)
        await runtime.start()
        try:
            yield api, runtime
        finally:
            await runtime.stop()
            await Database(database_url).dispose()


def hang_up_the_send(api: FakeBotApi, chat_id: int, number: int) -> None:
    """The connection of the ``number``-th sendMessage to the chat (from 1) is closed."""
    if number == 1:
        api.hang_up_next("sendMessage", chat_id=chat_id)
        return
    seen = 0

    def count(call: Call) -> None:
        nonlocal seen
        if call.method == "sendMessage" and call.chat_id == chat_id and call.ok:
            seen += 1
            if seen == number - 1:
                api.hang_up_next("sendMessage", chat_id=chat_id)

    api.on_call(count)


@pytest.mark.parametrize("failing", [1, 2], ids=["first call", "second call"])
async def test_the_welcome_comes_whole_and_in_order_when_a_call_meets_a_closed_connection(
    running: tuple[FakeBotApi, Runtime], failing: int
) -> None:
    api, runtime = running
    chat = 930 + failing
    hang_up_the_send(api, chat, failing)
    marie = api.user(chat, "Marie")
    await marie.say("bonjour", min_replies=3, quiet=0.5, timeout=WITHIN + 2)

    calls = [c for c in api.calls_for(chat) if c.method == "sendMessage"]
    failed = [c for c in calls if not c.ok]
    sent = [c for c in calls if c.ok]
    assert [c.status for c in failed] == [0]  # the closed connection, nothing else
    assert sent[-1].at - failed[0].at < WITHIN
    note, welcome = marie.messages
    assert note.keyboard == [["📅 Voir les ateliers"], ["🎟️ Mes inscriptions"], ["❓ Aide"]]
    assert welcome.text.startswith("Bonjour Marie !")
    assert len(sent) == 2
    async with runtime.db.transaction() as session:
        left = (await session.execute(select(OutboxMessage.status))).scalars().all()
    assert left == [OutboxStatus.SENT]  # the answer's row, sent by the outbox: none waits


async def test_the_welcome_comes_soon_when_the_outboxs_call_meets_a_closed_connection_too(
    running: tuple[FakeBotApi, Runtime],
) -> None:
    # Every idle connection of the pool may have been closed: the channel's call and the
    # outbox's first one both meet one. The outbox tries again a second later, not at its
    # next pass (a minute here).
    api, runtime = running
    chat = 940
    api.hang_up_next("sendMessage", count=2, chat_id=chat)
    marie = api.user(chat, "Marie")
    await marie.say("bonjour", min_replies=4, quiet=0.5, timeout=WITHIN + 2)

    calls = [c for c in api.calls_for(chat) if c.method == "sendMessage"]
    assert [c.status for c in calls] == [0, 0, 200, 200]
    assert calls[-1].at - calls[0].at < WITHIN
    note, welcome = marie.messages
    assert note.keyboard == [["📅 Voir les ateliers"], ["🎟️ Mes inscriptions"], ["❓ Aide"]]
    assert welcome.text.startswith("Bonjour Marie !")
    async with runtime.db.transaction() as session:
        left = (await session.execute(select(OutboxMessage.status))).scalars().all()
    assert left == [OutboxStatus.SENT]

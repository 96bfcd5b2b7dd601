"""Telegram's limits met while answering: a 429 costs a wait, never a duplicate or a loss."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime import Runtime
from core.clock import FixedClock
from tests.support.bot_api import FakeBotApi
from tests.support.factories import add_session, make_settings


@pytest.fixture
async def running(sqlite_url: str, clock: FixedClock) -> AsyncIterator[tuple[FakeBotApi, Runtime]]:
    async with FakeBotApi() as api:
        settings = make_settings(
            sqlite_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            venue_latitude=49.1196,
            venue_longitude=6.1757,
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            yield api, runtime
        finally:
            await runtime.stop()


def texts(api: FakeBotApi, chat: int, since: int, method: str = "sendMessage") -> list[str]:
    return [
        str(c.params.get("text", c.params.get("caption", "")))
        for c in api.calls[since:]
        if c.ok and c.chat_id == chat and c.method == method
    ]


async def test_a_429_on_the_confirmations_file_sends_it_again_once(
    running: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = running
    session_id = await add_session(runtime.db)
    marie = api.user(951, "Marie")
    await marie.say(f"/start s{session_id}")
    api.fail_next("sendDocument", status=429, retry_after=1)
    since = len(api.calls)
    await marie.press("Oui, je réserve", quiet=1.5, timeout=15)
    # The file carries the confirmation: it comes once, after the wait, and nothing else.
    files = texts(api, marie.chat_id, since, "sendDocument")
    assert len([t for t in files if "C'est réservé" in t]) == 1
    assert not texts(api, marie.chat_id, since, "editMessageText")
    assert not texts(api, marie.chat_id, since)


async def test_two_messages_in_one_second_the_second_waits_its_turn(
    running: tuple[FakeBotApi, Runtime],
) -> None:
    api, _ = running
    marie = api.user(952, "Marie")
    api.limits(global_per_second=30, per_chat_per_second=1)
    replies = await marie.say("/start", min_replies=2, quiet=1.5, timeout=15)
    assert "boutons en bas de l'écran" in replies[0].text  # the keyboard's note
    assert replies[-1].text.startswith("Bonjour Marie !")
    assert "📅 Voir les ateliers" in replies[-1].labels  # the welcome came, in line, with buttons
    assert len(texts(api, marie.chat_id, 0)) == 2  # each once

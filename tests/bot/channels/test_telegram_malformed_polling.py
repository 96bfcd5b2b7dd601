"""Malformed updates while long polling: skipped and confirmed, never a stall nor a crash."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from core.clock import FixedClock
from models import Database, Person, ProcessedUpdate
from tests.support.bot_api import FakeBotApi
from tests.support.factories import make_settings

SECRET_TEXT = "texte-prive-4711"
CHAT = {"id": 950, "type": "private", "first_name": "Marie"}
BROKEN = [
    {"message": {"message_id": 1, "date": 0, "text": SECRET_TEXT}},  # no chat
    {"message": {"message_id": 2, "date": "hier", "text": SECRET_TEXT, "chat": CHAT}},
    {"message": {"message_id": 3, "date": 0, "text": SECRET_TEXT, "chat": {"id": "x"}}},
    {"message": {"message_id": 4, "date": 0, "text": SECRET_TEXT, "chat": CHAT, "from": 9}},
    {"callback_query": {"id": "5", "chat_instance": "1", "data": "m"}},  # no from, no message
    {"message": SECRET_TEXT},
]


@pytest.fixture
async def running(
    database_url: str, clock: FixedClock
) -> AsyncIterator[tuple[FakeBotApi, Database]]:
    async with FakeBotApi() as api:
        settings = make_settings(
            database_url, telegram_bot_token=api.token, telegram_api_base_url=api.base_url
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            yield api, runtime.db
        finally:
            await runtime.stop()


async def count(db: Database, model: type[Person] | type[ProcessedUpdate]) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_polling_goes_on_past_malformed_updates(
    running: tuple[FakeBotApi, Database], caplog: pytest.LogCaptureFixture
) -> None:
    api, db = running
    caplog.set_level(logging.INFO)
    for update in BROKEN:
        api.inject(update)
    marie = api.user(951, "Marie")
    replies = await marie.say("bonjour", min_replies=2)  # queued after the broken ones
    assert replies[-1].text.startswith("Bonjour Marie !")  # after the keyboard's note
    polls = len(api.calls)
    await api.wait_for_call("getUpdates", since=polls, timeout=5)  # the batch was confirmed
    assert api.pending_updates() == []
    assert await count(db, Person) == 1  # Marie only
    assert await count(db, ProcessedUpdate) == 1
    assert not [r for r in caplog.records if SECRET_TEXT in r.getMessage()]
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]


async def test_a_redelivered_update_after_a_broken_one_is_answered_once(
    running: tuple[FakeBotApi, Database],
) -> None:
    api, _ = running
    api.inject({"update_id": 960_000, **BROKEN[0]})
    marie = api.user(952, "Marie")
    first = api.user_text(952, "bonjour")
    await api.wait_for_replies(952, since=0)
    since = len(api.calls)
    api.redeliver(first)
    await api.wait_for_call("getUpdates", since=since, timeout=5)
    await api.wait_for_call("getUpdates", since=len(api.calls), timeout=5)
    assert [c for c in api.calls[since:] if c.method == "sendMessage"] == []
    assert marie.last is not None


async def test_a_long_poll_whose_connection_breaks_is_asked_again_at_once(
    running: tuple[FakeBotApi, Database], caplog: pytest.LogCaptureFixture
) -> None:
    # A broken getUpdates made python-telegram-bot wait a second before polling again,
    # and every person's message waited with it: it is asked again at once instead.
    api, _ = running
    caplog.set_level(logging.INFO)
    since = len(api.calls)
    api.hang_up_next("getUpdates")
    marie = api.user(953, "Marie")
    replies = await marie.say("bonjour", min_replies=2)
    assert replies[-1].text.startswith("Bonjour Marie !")
    polls = [call for call in api.calls[since:] if call.method == "getUpdates"]
    assert [call.ok for call in polls].count(False) == 1  # it did break
    assert not [
        r for r in caplog.records if r.name.startswith("telegram") and r.levelno >= logging.ERROR
    ]
    assert [r for r in caplog.records if "asked again at once" in r.getMessage()]


async def test_a_long_poll_that_keeps_breaking_waits_before_trying_again(
    running: tuple[FakeBotApi, Database], caplog: pytest.LogCaptureFixture
) -> None:
    # Twice in a row: python-telegram-bot's pause comes, no loop of calls; the person is
    # answered once the Bot API answers again.
    api, _ = running
    caplog.set_level(logging.INFO)
    api.hang_up_next("getUpdates", count=2)
    marie = api.user(954, "Marie")
    replies = await marie.say("bonjour", min_replies=2)
    assert replies[-1].text.startswith("Bonjour Marie !")
    assert [
        r for r in caplog.records if r.name == "telegram.ext.Updater" and r.levelno >= logging.ERROR
    ]

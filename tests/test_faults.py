"""Faults: the database away for a moment, Telegram unreachable at start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.runtime import Runtime
from core.clock import FixedClock
from core.dialog import Incoming, Kind, Sender
from handlers.machinery.turns import Conversations
from models import Database, Person
from tests.support.bot_api import FakeBotApi
from tests.support.factories import make_settings

pytestmark = pytest.mark.postgres


@asynccontextmanager
async def database_away(url: str) -> AsyncIterator[None]:
    """Refuse new connections to the test database and cut the open ones, for a moment."""
    name = make_url(url).database
    admin = await asyncpg.connect(host="127.0.0.1", user="postgres", database="postgres")
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


async def test_the_person_is_asked_to_try_again_and_nothing_is_written(
    postgres_url: str, clock: FixedClock
) -> None:
    db = Database(postgres_url)
    flows = Conversations(db, make_settings(postgres_url), clock)
    try:
        async with database_away(postgres_url):
            event = Incoming(Sender("test", "1", "Marie", "fr"), Kind.TEXT, "bonjour", "", "u1")
            [reply] = await flows.handle(event)
            assert "Réessayez dans une minute" in reply.text
        # Back again: the same message is handled as new; it was not half-written.
        [welcome] = await flows.handle(event)
        assert welcome.text.startswith("Bonjour Marie !")
        async with db.transaction() as session:
            assert (await session.execute(select(func.count()).select_from(Person))).scalar() == 1
    finally:
        await db.dispose()


async def test_a_webhook_update_is_retried_by_telegram_once_the_database_is_back(
    postgres_url: str, clock: FixedClock
) -> None:
    async with FakeBotApi() as api:
        settings = make_settings(
            postgres_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            webhook_url="https://atelier.example.org/telegram/webhook",
            webhook_secret="secret",
            http_port=0,
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            assert runtime.http is not None
            url = f"http://127.0.0.1:{runtime.http.port}/telegram/webhook"
            headers = {"X-Telegram-Bot-Api-Secret-Token": "secret"}
            update = api.user_text(701, "bonjour")
            async with httpx.AsyncClient() as client:
                async with database_away(postgres_url):
                    failed = await client.post(url, json=update, headers=headers)
                since = len(api.calls)
                retried = await client.post(url, json=update, headers=headers)
            assert (failed.status_code, retried.status_code) == (503, 200)
            assert failed.headers["Retry-After"]
            await api.wait_for_replies(701, since=since, min_count=2)  # they follow the 200
            texts = [str(c.params["text"]) for c in api.calls_for(701) if c.ok]
            assert "Réessayez dans une minute" in texts[0]
            assert texts[1].startswith("Les trois boutons")  # the keyboard's note, then
            assert texts[2].startswith("Bonjour Marie !")  # the welcome, once
        finally:
            await runtime.stop()


async def test_telegram_unreachable_at_start_up_is_retried_with_a_log_line(
    postgres_url: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with FakeBotApi() as api:
        api.fail_next("getMe", status=502, description="Bad Gateway", count=2)
        settings = make_settings(
            postgres_url, telegram_bot_token=api.token, telegram_api_base_url=api.base_url
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            assert [c.status for c in api.calls if c.method == "getMe"][:3] == [502, 502, 200]
        finally:
            await runtime.stop()
    attempts = [
        r.getMessage() for r in caplog.records if "Telegram is unreachable" in r.getMessage()
    ]
    assert len(attempts) == 2
    assert "attempt 1 of 8" in attempts[0]


async def test_healthz_answers_503_while_the_database_is_unreachable(
    postgres_url: str, clock: FixedClock
) -> None:
    settings = make_settings(postgres_url, http_enabled=True, http_port=0)
    runtime = Runtime(settings, clock, telegram_enabled=False)
    await runtime.start()
    try:
        assert runtime.http is not None
        url = f"http://127.0.0.1:{runtime.http.port}/healthz"
        async with httpx.AsyncClient() as client:
            assert (await client.get(url)).status_code == 200
            async with database_away(postgres_url):
                away = await client.get(url, timeout=10)
            back = await client.get(url)
        assert (away.status_code, away.text) == (503, "database unreachable")
        assert (back.status_code, back.text) == (200, "ok")
    finally:
        await runtime.stop()

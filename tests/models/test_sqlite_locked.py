"""With SQLite locked by another process, the SMS webhook answers 503 well within
Twilio's 15 s, and the provider's retry is then handled once.

The lock is a real write lock (BEGIN IMMEDIATE) held from another connection; the
webhook is real HTTP on loopback, the provider a loopback fake.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.channels.sms.channel import DATABASE_WAIT
from bot.runtime import Runtime
from core.clock import FixedClock
from models import Person, ProcessedUpdate
from tests.bot.channels.test_sms import MARIE, SID, TOKEN, SmsBot, settled, sms_settings
from tests.support.factories import make_settings
from tests.support.sms_providers import FakeTwilio

TWILIO_TIMEOUT = 15.0


@pytest.fixture
async def phone(sqlite_url: str, clock: FixedClock) -> AsyncIterator[tuple[SmsBot, FakeTwilio]]:
    async with FakeTwilio(SID, TOKEN) as twilio:
        settings = make_settings(sqlite_url, **sms_settings(sqlite_url, "twilio", twilio.base_url))
        runtime = Runtime(settings, clock)
        await runtime.start()
        async with httpx.AsyncClient(timeout=30) as client:
            yield SmsBot(runtime, client, "twilio"), twilio
        await runtime.stop()


def hold_write_lock(url: str) -> sqlite3.Connection:
    """Another connection (as another process would) takes the write lock and keeps it."""
    path = make_url(url).database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_a_locked_database_gets_a_quick_503_and_the_retry_counts_once(
    phone: tuple[SmsBot, FakeTwilio], sqlite_url: str
) -> None:
    bot, twilio = phone
    db = bot.runtime.db
    other = await asyncio.to_thread(hold_write_lock, sqlite_url)  # off the loop
    try:
        started = time.monotonic()
        refused = await bot.post_twilio(MARIE, "bonjour", sid="SM-locked")
        took = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert refused.status_code == 503
    assert took < DATABASE_WAIT + 2 < TWILIO_TIMEOUT
    # Twilio delivers the same text again: it is handled now, and only once.
    retry = await bot.post_twilio(MARIE, "bonjour", sid="SM-locked")
    again = await bot.post_twilio(MARIE, "bonjour", sid="SM-locked")
    assert (retry.status_code, again.status_code) == (200, 200)
    assert (await twilio.wait_for(MARIE, 1))[0].startswith("Bonjour !")
    await asyncio.sleep(0.3)
    await bot.runtime.engine.send_due()
    await settled(db)
    assert len(twilio.to(MARIE)) == 1
    async with db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Person))).scalar_one() == 1
        handled = await session.execute(select(func.count()).select_from(ProcessedUpdate))
        assert handled.scalar_one() == 1


async def test_a_short_lock_is_waited_for(
    phone: tuple[SmsBot, FakeTwilio], sqlite_url: str
) -> None:
    bot, twilio = phone
    other = await asyncio.to_thread(hold_write_lock, sqlite_url)  # off the loop
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, other.rollback)  # another process's short write
    try:
        answer = await bot.post_twilio(MARIE, "bonjour")
    finally:
        other.close()
    assert answer.status_code == 200
    assert (await twilio.wait_for(MARIE, 1))[0].startswith("Bonjour !")


async def test_other_transactions_keep_the_long_busy_timeout(
    phone: tuple[SmsBot, FakeTwilio], sqlite_url: str
) -> None:
    bot, twilio = phone
    await bot.text(MARIE, "bonjour", twilio)  # a webhook's short timeout, on a pooled connection
    other = await asyncio.to_thread(hold_write_lock, sqlite_url)  # off the loop
    asyncio.get_running_loop().call_later(DATABASE_WAIT + 1.5, other.rollback)
    try:
        started = time.monotonic()
        async with bot.runtime.db.transaction() as session:  # the scheduler's, an export's
            await session.execute(select(func.count()).select_from(Person))
        assert time.monotonic() - started > DATABASE_WAIT + 1
    finally:
        other.close()

"""A replayed SMS webhook (the same signed request, months later) changes nothing.

Twilio's signature carries no time, so the provider's message id is what recognises a
replay; it is kept far longer than Telegram's update ids. Real HTTP, a fake Twilio, the
real housekeeping, an injected clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from core.clock import FixedClock
from core.dialog import Incoming, Kind, Sender
from core.seats.housekeeping import PROVIDER_ID_MEMORY, UPDATE_MEMORY, forget_old_updates
from models import ProcessedUpdate
from tests.bot.channels.test_sms import MARIE, SID, TOKEN, SmsBot, settled, sms_settings
from tests.support.factories import make_settings
from tests.support.sms_providers import FakeTwilio


@pytest.fixture
async def phone(sqlite_url: str, clock: FixedClock) -> AsyncIterator[tuple[SmsBot, FakeTwilio]]:
    async with FakeTwilio(SID, TOKEN) as twilio:
        settings = make_settings(sqlite_url, **sms_settings(sqlite_url, "twilio", twilio.base_url))
        runtime = Runtime(settings, clock)
        await runtime.start()
        async with httpx.AsyncClient() as client:
            yield SmsBot(runtime, client, "twilio"), twilio
        await runtime.stop()


async def test_a_replayed_text_is_ignored_for_400_days(
    phone: tuple[SmsBot, FakeTwilio], clock: FixedClock
) -> None:
    bot, twilio = phone
    db = bot.runtime.db
    assert (await bot.post_twilio(MARIE, "bonjour", sid="SM-captured")).status_code == 200
    await twilio.wait_for(MARIE, 1)
    start = clock.now()
    for later in (timedelta(days=3), timedelta(days=60), PROVIDER_ID_MEMORY - timedelta(days=1)):
        clock.set(start + later)
        await bot.runtime.engine.tick()  # the housekeeping included
        replay = await bot.post_twilio(MARIE, "bonjour", sid="SM-captured")
        assert replay.status_code == 200
        await asyncio.sleep(0.2)
        await bot.runtime.engine.send_due()
        await settled(db)
        assert len(twilio.to(MARIE)) == 1, f"answered again after {later}"
    async with db.transaction() as session:
        kept = (await session.execute(select(ProcessedUpdate.update_key))).scalars()
        assert "twilio:SM-captured" in list(kept)


async def test_telegram_update_ids_are_forgotten_sooner(
    phone: tuple[SmsBot, FakeTwilio], clock: FixedClock
) -> None:
    bot, _ = phone
    db = bot.runtime.db
    start = clock.now()
    conversations = bot.runtime.services.conversations
    for channel in ("telegram", "sms"):
        sender = Sender(channel, "42" if channel == "telegram" else "+33698765432")
        await conversations.handle(
            Incoming(sender, Kind.TEXT, text="bonjour", update_key=f"{channel}:1")
        )
    clock.set(start + UPDATE_MEMORY + timedelta(hours=1))
    assert await forget_old_updates(db, clock.now()) == 1
    clock.set(start + PROVIDER_ID_MEMORY + timedelta(hours=1))
    assert await forget_old_updates(db, clock.now()) == 1
    async with db.transaction() as session:
        assert list((await session.execute(select(ProcessedUpdate))).scalars()) == []

"""After "OUBLI" by SMS, once the farewell is sent or given up, no table holds the number.

Real HTTP webhooks in, a loopback fake Twilio out, a real database (SQLite and
PostgreSQL); every row of every table is read back and searched for the number.
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
from core.outbox.queue import FAREWELL_ADDRESS
from models import Database, OutboxMessage, OutboxStatus
from models.base import Base
from tests.bot.channels.test_sms import MARIE, SID, TOKEN, SmsBot, settled, sms_settings
from tests.support.factories import add_session, make_settings
from tests.support.sms_providers import FakeTwilio

DIGITS = "612345678"


@pytest.fixture
async def phone(database_url: str, clock: FixedClock) -> AsyncIterator[tuple[SmsBot, FakeTwilio]]:
    async with FakeTwilio(SID, TOKEN) as twilio:
        settings = make_settings(
            database_url, **sms_settings(database_url, "twilio", twilio.base_url)
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        async with httpx.AsyncClient() as client:
            yield SmsBot(runtime, client, "twilio"), twilio
        await runtime.stop()


async def everything_stored(db: Database) -> str:
    """Every row of every table, as text."""
    lines = []
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for row in await session.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)}")
    return "\n".join(lines)


async def farewell_row(db: Database) -> OutboxMessage:
    async with db.transaction() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars()
        return next(row for row in rows if "effacées" in str(row.payload))


async def ask_to_be_forgotten(phone: SmsBot, twilio: FakeTwilio) -> None:
    await add_session(phone.runtime.db)
    await phone.text(MARIE, "Bonjour, je suis Marie Dupont", twilio)
    await phone.text(MARIE, "1", twilio)  # the workshops, then one: something to erase
    await phone.text(MARIE, "OUBLI", twilio)
    before = await everything_stored(phone.runtime.db)
    assert DIGITS in before  # the control: the number is there before the erasure


async def test_a_sent_farewell_leaves_no_number(
    phone: tuple[SmsBot, FakeTwilio], clock: FixedClock
) -> None:
    bot, twilio = phone
    await ask_to_be_forgotten(bot, twilio)
    farewell = await bot.text(MARIE, "OUI", twilio)
    assert "vos données sont effacées" in farewell
    await settled(bot.runtime.db)
    stored = await everything_stored(bot.runtime.db)
    assert DIGITS not in stored
    assert "Marie" not in stored
    row = await farewell_row(bot.runtime.db)
    assert row.status == OutboxStatus.SENT
    assert FAREWELL_ADDRESS not in row.payload
    # Housekeeping a month on still finds nothing more to hide.
    clock.advance(timedelta(days=40))
    await bot.runtime.engine.send_due()
    assert DIGITS not in await everything_stored(bot.runtime.db)


async def test_a_farewell_given_up_leaves_no_number(phone: tuple[SmsBot, FakeTwilio]) -> None:
    bot, twilio = phone
    await ask_to_be_forgotten(bot, twilio)
    twilio.fail_next(400, {"code": 21408, "message": "not permitted"})
    assert (await bot.post_twilio(MARIE, "OUI")).status_code == 200
    await settled(bot.runtime.db)
    row = await farewell_row(bot.runtime.db)
    assert row.status == OutboxStatus.FAILED
    assert DIGITS not in await everything_stored(bot.runtime.db)


async def test_a_farewell_keeps_its_address_only_while_it_is_retried(
    phone: tuple[SmsBot, FakeTwilio], clock: FixedClock
) -> None:
    bot, twilio = phone
    await ask_to_be_forgotten(bot, twilio)
    sent = len(twilio.to(MARIE))
    twilio.fail_next(500)
    assert (await bot.post_twilio(MARIE, "OUI")).status_code == 200
    async with asyncio.timeout(5):
        while True:
            row = await farewell_row(bot.runtime.db)
            if row.attempts and row.status == OutboxStatus.PENDING:  # tried, failed, queued
                break
            await asyncio.sleep(0.05)
    assert row.payload[FAREWELL_ADDRESS] == MARIE  # still needed: it will be tried again
    clock.advance(timedelta(minutes=1))
    await bot.runtime.engine.send_due()
    assert "vos données sont effacées" in (await twilio.wait_for(MARIE, sent + 1))[-1]
    await settled(bot.runtime.db)
    assert DIGITS not in await everything_stored(bot.runtime.db)

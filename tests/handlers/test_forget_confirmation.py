"""Erasing needs the confirmation screen: a "yes, forget me" from anywhere else only
shows that screen. On Telegram (the real Application, a Bot API on loopback) and by SMS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from core.clock import FixedClock
from handlers.machinery.choices import ConfirmForget
from models import Booking, BookingStatus, Database, Person
from tests.bot.channels.test_sms import MARIE, SID, TOKEN, SmsBot, sms_settings
from tests.bot.channels.test_telegram_scenarios import book
from tests.support.bot_api import FakeBotApi
from tests.support.factories import add_session, make_settings
from tests.support.sms_providers import FakeTwilio

PROMPT = "Voulez-vous vraiment effacer vos données ?"
ERASED = "vos données sont effacées"


async def people(db: Database) -> list[Person]:
    async with db.transaction() as session:
        return list((await session.execute(select(Person))).scalars())


async def booked(db: Database) -> int:
    async with db.transaction() as session:
        rows = await session.execute(select(Booking).where(Booking.status == BookingStatus.BOOKED))
        return len(list(rows.scalars()))


@pytest.fixture
async def telegram(
    database_url: str, clock: FixedClock
) -> AsyncIterator[tuple[FakeBotApi, Runtime]]:
    async with FakeBotApi() as api:
        settings = make_settings(
            database_url, telegram_bot_token=api.token, telegram_api_base_url=api.base_url
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            yield api, runtime
        finally:
            await runtime.stop()


async def test_a_forged_yes_button_shows_the_confirmation_and_erases_nothing(
    telegram: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = telegram
    session_id = await add_session(runtime.db)
    marie = api.user(951, "Marie")
    await book(marie, session_id)
    confirmation = marie.last
    assert confirmation is not None
    since = len(api.calls)
    api.user_press(marie.user_id, confirmation.message_id, ConfirmForget.prefix)
    calls = await api.wait_for_replies(marie.chat_id, since=since)
    texts = [str(call.params.get("text", "")) for call in calls]
    assert any(PROMPT in text for text in texts), texts
    assert not any(ERASED in text for text in texts)
    assert [person.name for person in await people(runtime.db)] == ["Marie"]
    assert await booked(runtime.db) == 1
    # Then the real screen's yes erases.
    replies = await marie.press("Oui")
    assert ERASED in replies[-1].text
    assert await booked(runtime.db) == 0
    assert [person.name for person in await people(runtime.db)] == [""]


async def test_a_yes_after_another_screen_does_not_erase(
    telegram: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = telegram
    marie = api.user(952, "Marie")
    await marie.say("bonjour", min_replies=2)
    await marie.say("oubli")
    prompt = next(m for m in reversed(api.bot_messages(marie.chat_id)) if m.buttons)
    assert PROMPT in prompt.text
    await marie.say("menu")  # she goes elsewhere; the old button stays on screen
    since = len(api.calls)
    api.user_press(marie.user_id, prompt.message_id, ConfirmForget.prefix)
    calls = await api.wait_for_replies(marie.chat_id, since=since)
    assert any(PROMPT in str(call.params.get("text", "")) for call in calls)
    assert [person.name for person in await people(runtime.db)] == ["Marie"]


async def test_by_sms_oui_erases_only_after_the_question(
    database_url: str, clock: FixedClock
) -> None:
    async with FakeTwilio(SID, TOKEN) as twilio:
        settings = make_settings(
            database_url, **sms_settings(database_url, "twilio", twilio.base_url)
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            async with httpx.AsyncClient() as client:
                phone = SmsBot(runtime, client, "twilio")
                await phone.text(MARIE, "bonjour", twilio)
                assert "réservé" not in await phone.text(MARIE, "OUI", twilio)
                assert ERASED not in twilio.to(MARIE)[-1]
                assert PROMPT in await phone.text(MARIE, "OUBLI", twilio)
                assert ERASED in await phone.text(MARIE, "OUI", twilio)
        finally:
            await runtime.stop()

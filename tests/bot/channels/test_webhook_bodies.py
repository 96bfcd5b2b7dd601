"""Webhook bodies are bounded: a huge POST is refused with 413 without being read whole.

The bot's server runs on loopback; the huge bodies are sent over a raw socket, so the
test sees how much the server took before it answered, and the process's memory.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.channels.bodies import SMS_WEBHOOK_LIMIT, TELEGRAM_WEBHOOK_LIMIT
from bot.channels.sms.android import signature_of
from bot.runtime import Runtime
from core.clock import FixedClock
from models import Person, ProcessedUpdate
from testkit.huge_posts import MB, post_huge_async, rss
from tests.bot.channels.test_sms import ANDROID_KEY, MARIE, SID, TOKEN, SmsBot, sms_settings
from tests.support.bot_api import FakeBotApi
from tests.support.factories import make_settings
from tests.support.sms_providers import FakeAndroidGateway, FakeTwilio


@pytest.fixture
async def twilio_bot(
    sqlite_url: str, clock: FixedClock
) -> AsyncIterator[tuple[SmsBot, FakeTwilio]]:
    async with FakeTwilio(SID, TOKEN) as fake:
        settings = make_settings(sqlite_url, **sms_settings(sqlite_url, "twilio", fake.base_url))
        runtime = Runtime(settings, clock)
        await runtime.start()
        async with httpx.AsyncClient() as client:
            yield SmsBot(runtime, client, "twilio"), fake
        await runtime.stop()


@pytest.fixture
async def android_bot(sqlite_url: str, clock: FixedClock) -> AsyncIterator[SmsBot]:
    async with FakeAndroidGateway("sms", "gateway-password") as fake:
        settings = make_settings(sqlite_url, **sms_settings(sqlite_url, "android", fake.base_url))
        runtime = Runtime(settings, clock)
        await runtime.start()
        async with httpx.AsyncClient() as client:
            yield SmsBot(runtime, client, "android")
        await runtime.stop()


def port_of(bot: SmsBot | Runtime) -> int:
    runtime = bot.runtime if isinstance(bot, SmsBot) else bot
    assert runtime.http is not None
    return runtime.http.port


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
async def test_a_200_mb_android_post_is_refused_early(android_bot: SmsBot, chunked: bool) -> None:
    before = rss()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Timestamp": timestamp,
        "X-Signature": signature_of(ANDROID_KEY, b"{}", timestamp),  # well formed, wrong
    }
    status, sent = await post_huge_async(
        port_of(android_bot), "/sms/android", headers, 200 * MB, chunked=chunked
    )
    assert status == 413
    assert sent < 40 * MB  # what the sockets' buffers took, not the 200 MB
    assert rss() - before < 50 * MB


async def test_an_unsigned_android_post_without_length_is_refused_unread(
    android_bot: SmsBot,
) -> None:
    status, sent = await post_huge_async(
        port_of(android_bot), "/sms/android", {"X-Timestamp": "1"}, 200 * MB, chunked=True
    )
    assert status == 403
    assert sent < 40 * MB


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
async def test_twilio_300_fields_of_1_mb_are_refused(
    twilio_bot: tuple[SmsBot, FakeTwilio], chunked: bool
) -> None:
    bot, _ = twilio_bot
    before = rss()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl",
    }
    status, sent = await post_huge_async(
        port_of(bot), "/sms/twilio", headers, 300 * MB, chunked=chunked
    )
    assert status == 413
    assert sent < 40 * MB
    assert rss() - before < 50 * MB


async def test_twilio_bodies_just_under_the_limit_are_still_read(
    twilio_bot: tuple[SmsBot, FakeTwilio],
) -> None:
    bot, fake = twilio_bot
    params = {"From": MARIE, "Body": "bonjour", "MessageSid": "SM" + "1" * 32, "AccountSid": SID}
    params["Padding"] = "p" * (SMS_WEBHOOK_LIMIT - 200)
    signature = RequestValidator(TOKEN).compute_signature(bot.url, params)
    answer = await bot.client.post(bot.url, data=params, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200
    assert (await fake.wait_for(MARIE, 1))[0].startswith("Bonjour !")
    params["Padding"] = "p" * SMS_WEBHOOK_LIMIT
    signature = RequestValidator(TOKEN).compute_signature(bot.url, params)
    refused = await bot.client.post(bot.url, data=params, headers={"X-Twilio-Signature": signature})
    assert refused.status_code == 413


async def test_twilio_too_many_fields_are_refused(twilio_bot: tuple[SmsBot, FakeTwilio]) -> None:
    bot, _ = twilio_bot
    params = {f"F{index}": "x" for index in range(500)}
    signature = RequestValidator(TOKEN).compute_signature(bot.url, params)
    answer = await bot.client.post(bot.url, data=params, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 400


@pytest.mark.parametrize("timestamp", ["9" * 400, "1" * 13, "1e9", "-5", "12.5"])
async def test_an_odd_android_timestamp_is_refused_not_a_crash(
    android_bot: SmsBot, timestamp: str
) -> None:
    event = {"event": "sms:received", "id": "evt-odd", "payload": {"phoneNumber": MARIE}}
    raw = json.dumps(event).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Timestamp": timestamp,
        "X-Signature": signature_of(ANDROID_KEY, raw, timestamp),  # properly signed
    }
    answer = await android_bot.client.post(android_bot.url, content=raw, headers=headers)
    assert answer.status_code == 403


async def test_a_200_mb_telegram_post_is_refused_early(sqlite_url: str, clock: FixedClock) -> None:
    async with FakeBotApi() as api:
        settings = make_settings(
            sqlite_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            webhook_url="https://atelier.example.org/telegram/webhook",
            webhook_secret="secret-token",
            http_port=0,
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            before = rss()
            for chunked in (False, True):
                status, sent = await post_huge_async(
                    port_of(runtime),
                    "/telegram/webhook",
                    {"X-Telegram-Bot-Api-Secret-Token": "secret-token"},
                    200 * MB,
                    chunked=chunked,
                )
                assert status == 413
                assert sent < TELEGRAM_WEBHOOK_LIMIT + 40 * MB
            assert rss() - before < 50 * MB
        finally:
            await runtime.stop()


DEEP = b"[" * 100_000 + b"]" * 100_000


async def rows_of(runtime: Runtime) -> int:
    """How many people and handled updates the database holds."""
    async with runtime.db.transaction() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        updates = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    return int(people or 0) + int(updates or 0)


async def test_an_android_event_nested_too_deep_is_refused(android_bot: SmsBot) -> None:
    event = {"event": "sms:received", "id": "evt-deep", "payload": {"phoneNumber": MARIE}}
    raw = json.dumps(event).encode()[:-1] + b', "deep": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Timestamp": timestamp,
        "X-Signature": signature_of(ANDROID_KEY, raw, timestamp),  # properly signed
    }
    answer = await android_bot.client.post(android_bot.url, content=raw, headers=headers)
    assert answer.status_code == 400
    assert "nested too deep" in answer.text
    assert await rows_of(android_bot.runtime) == 0


async def test_a_telegram_update_nested_too_deep_is_refused(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with FakeBotApi() as api:
        settings = make_settings(
            sqlite_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            webhook_url="https://atelier.example.org/telegram/webhook",
            webhook_secret="secret-token",
            http_port=0,
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "x"}}
            raw = json.dumps(update).encode()[:-1] + b', "deep": ' + DEEP + b"}"
            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"http://127.0.0.1:{port_of(runtime)}/telegram/webhook",
                    content=raw,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "secret-token"},
                )
            assert answer.status_code == 400
            assert "nested too deep" in answer.text
            assert await rows_of(runtime) == 0
        finally:
            await runtime.stop()

"""A database that refuses connections: every HTTP route answers 503 with Retry-After, so
that Telegram, Meta and Twilio deliver their webhooks again, and never 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from twilio.request_validator import RequestValidator

from bot.channels.telegram import application as telegram
from bot.channels.whatsapp.signature import HEADER, signature_of
from bot.runtime import Runtime
from core.clock import FixedClock
from tests.bot.channels.test_sms import SID, sms_settings
from tests.bot.channels.test_sms import TOKEN as TWILIO_TOKEN
from tests.bot.channels.test_whatsapp import PHONE_ID, SECRET, whatsapp_settings
from tests.support.bot_api import FakeBotApi
from tests.support.dashboard import PASSWORD, TOKEN, dashboard_settings
from tests.support.graph_api import envelope
from tests.support.webhook import free_port


@pytest.fixture
async def refused(clock: FixedClock) -> AsyncIterator[tuple[Runtime, FakeBotApi, str]]:
    """The bot's HTTP server with every route on, its database a PostgreSQL port that
    refuses connections."""
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/atelier"
    async with FakeBotApi() as api:
        settings = dashboard_settings(
            url,
            **{
                **sms_settings(url, "twilio", "http://127.0.0.1:9"),
                **whatsapp_settings("http://127.0.0.1:9"),
                "telegram_bot_token": api.token,
                "telegram_api_base_url": api.base_url,
                "webhook_url": "https://atelier.example.org/telegram/webhook",
                "webhook_secret": "secret",
            },
        )
        runtime = Runtime(settings, clock)
        app, http = runtime.app, runtime.http
        assert app is not None
        assert http is not None
        await http.start()  # no migration: the database cannot be reached
        await telegram.connect(app.bot)
        await app.initialize()
        await app.start()
        try:
            yield runtime, api, f"http://127.0.0.1:{http.port}"
        finally:
            await app.stop()
            await app.shutdown()
            await http.stop()
            await runtime.services.close()


async def test_every_route_answers_503_with_retry_after(
    refused: tuple[Runtime, FakeBotApi, str],
) -> None:
    _, api, root = refused
    async with httpx.AsyncClient(base_url=root, timeout=20) as client:
        sms_url = f"{root}/sms/twilio"
        form = {"From": "+33612345678", "To": "+33700000000", "Body": "bonjour"}
        form |= {"MessageSid": "SM" + "1" * 32, "AccountSid": SID}
        signed = RequestValidator(TWILIO_TOKEN).compute_signature(sms_url, form)
        raw = json.dumps(
            envelope(
                PHONE_ID,
                {
                    "contacts": [{"profile": {"name": "Marie"}, "wa_id": "33612345678"}],
                    "messages": [
                        {
                            "from": "33612345678",
                            "id": "wamid.IN1",
                            "timestamp": "1800000000",
                            "type": "text",
                            "text": {"body": "bonjour"},
                        }
                    ],
                },
            )
        ).encode()
        login = TOKEN.search((await client.get("/admin/login")).text)
        assert login is not None
        answers = {
            "telegram": await client.post(
                "/telegram/webhook",
                json=api.user_text(701, "bonjour"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "secret"},
            ),
            "sms": await client.post(sms_url, data=form, headers={"X-Twilio-Signature": signed}),
            "whatsapp": await client.post(
                "/whatsapp/webhook",
                content=raw,
                headers={"Content-Type": "application/json", HEADER: signature_of(SECRET, raw)},
            ),
            "dashboard": await client.post(
                "/admin/login", data={"password": PASSWORD, "csrf_token": login.group(1)}
            ),
            "healthz": await client.get("/healthz"),
        }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == dict.fromkeys(answers, 503)
    waits = {name: answer.headers.get("Retry-After") for name, answer in answers.items()}
    assert all(waits.values()), waits

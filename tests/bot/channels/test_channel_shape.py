"""Every channel has the one shape the runtime wires in a loop (bot.channels.channel.Channel)."""

from __future__ import annotations

import io
from pathlib import Path

from pydantic import SecretStr

from bot.channels.channel import Channel
from bot.runtime import Runtime
from tests.support.factories import make_settings


def _check(channel: Channel) -> None:
    assert isinstance(channel.name, str)
    assert channel.name
    assert channel.shows.max_length > 0
    for method in ("routes", "deliverer", "start", "stop_taking", "finish", "close"):
        assert callable(getattr(channel, method)), method


async def test_every_configured_channel_is_wired_by_the_runtime(tmp_path: Path) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'a.db'}",
        telegram_bot_token=SecretStr("1:fake"),
        webhook_url="https://example.org/telegram/webhook",
        webhook_secret=SecretStr("s" * 32),
        sms_provider="twilio",
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token=SecretStr("t" * 32),
        twilio_from_number="+33600000000",
        whatsapp_access_token=SecretStr("token"),
        whatsapp_phone_number_id="123",
        whatsapp_app_secret=SecretStr("secret"),
        smtp_host="127.0.0.1",
        organiser_emails=["orga@example.org"],
    )
    runtime = Runtime(settings)
    try:
        names = [channel.name for channel in runtime.channels]
        assert names == ["telegram", "sms", "whatsapp", "email"]
        for channel in runtime.channels:
            _check(channel)
        # Each channel's deliverer reaches the outbox sender, each route the HTTP server.
        assert set(runtime.engine.deliverers) == set(names)
        assert runtime.http is not None
        paths = {getattr(route, "path", "") for route in runtime.http.server.config.app.routes}
        assert {"/telegram/webhook", "/sms/twilio", "/whatsapp/webhook"} <= paths
    finally:
        for channel in runtime.channels:
            await channel.close()
        await runtime.services.close()


async def test_a_bot_without_channels_has_no_http_server(tmp_path: Path) -> None:
    runtime = Runtime(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"))
    try:
        assert runtime.channels == []
        assert runtime.http is None
        assert runtime.app is None
    finally:
        await runtime.services.close()


async def test_the_console_is_a_channel_too() -> None:
    from bot.channels.console import Console

    async def nothing() -> None:
        return None

    async def handle(_: object) -> list[object]:
        return []

    console = Console(
        handle, nothing, language="fr", stdin=io.StringIO("quitter\n"), stdout=io.StringIO()
    )
    _check(console)
    assert console.shows.buttons is False
    assert list(console.routes()) == []

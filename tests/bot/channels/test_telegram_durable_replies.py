"""An update's answers are kept with it: a bot that dies once it has recorded the update, and
before its answers went out, sends them after its restart, once each, in order.

The webhook answers Telegram as soon as the update is recorded, and the answers follow,
paced; Telegram does not deliver that update again. Here the bot is a real ``atelier run``
process on the test's database, killed (SIGKILL: nothing of it runs any more) while its
answers wait, then started again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from core.clock import FixedClock
from models import Database, OutboxMessage, OutboxStatus
from tests.support.bot_api import FakeBotApi
from tests.support.factories import add_session
from tests.support.webhook import PUBLIC_URL, SECRET, free_port, webhook_settings

SENT = ("sendMessage", "sendDocument", "editMessageText")
LATER = timedelta(minutes=3)
"""Past the time an answer is held by the bot that sends it at once (a minute)."""


class Webhook:
    """Plays Telegram's part: pushes updates to a bot's webhook over HTTP."""

    def __init__(self, client: httpx.AsyncClient, port: int) -> None:
        self.client = client
        self.url = f"http://127.0.0.1:{port}/telegram/webhook"

    async def push(self, update: Any) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        response = await self.client.post(self.url, json=update, headers=headers, timeout=30)
        return response.status_code

    async def until_up(self, within: float = 30.0) -> None:
        health = self.url.replace("/telegram/webhook", "/healthz")
        async with asyncio.timeout(within):
            while True:
                try:
                    if (await self.client.get(health)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)  # the process is starting


def texts(api: FakeBotApi, chat: int, since: int) -> list[str]:
    """What the person saw after ``since``: each message's text (or caption), in order."""
    return [
        str(call.params.get("text") or call.params.get("caption") or "")
        for call in api.calls[since:]
        if call.ok and call.chat_id == chat and call.method in SENT
    ]


def button(api: FakeBotApi, chat: int, label: str) -> tuple[int, str]:
    """The latest message of the bot with a button ``label``, and that button's data."""
    for message in reversed(api.bot_messages(chat)):
        for row in message.buttons:
            for text, data in row:
                if label in text and data is not None:
                    return message.message_id, data
    raise LookupError(label)


async def answers(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "reply")
        return list((await session.execute(query.order_by(OutboxMessage.id))).scalars())


async def until_forgotten(db: Database, within: float = 10.0) -> None:
    """Wait until no answer is kept: each one sent is forgotten, a moment after it went."""
    async with asyncio.timeout(within):
        while True:
            if not await answers(db):
                return
            await asyncio.sleep(0.05)  # the database is asked again


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


async def start_process(api: FakeBotApi, database_url: str, port: int, log: Path) -> Any:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": database_url,
        "WEBHOOK_URL": PUBLIC_URL,
        "WEBHOOK_SECRET": SECRET,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
    }
    with log.open("wb") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            env=env, cwd=log.parent, stdin=asyncio.subprocess.DEVNULL,
            stdout=output, stderr=output,
        )  # fmt: skip


async def test_answers_recorded_before_a_crash_go_out_once_after_the_restart(
    api: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    db = Database(database_url)
    session_id = await add_session(db, starts_at=now + timedelta(days=2))
    port = free_port()
    process = await start_process(api, database_url, port, tmp_path / "run.log")
    try:
        async with httpx.AsyncClient() as client:
            webhook = Webhook(client, port)
            await webhook.until_up()
            since = len(api.calls)
            assert await webhook.push(api.user_text(960, f"/start s{session_id}")) == 200
            await api.wait_for_replies(960, since=since, min_count=1)
            await until_forgotten(db)  # sent, and no longer kept
            # Telegram is slow to take the button's answer, which goes before the message:
            # the bot has recorded the booking, and its confirmation waits.
            api.delay_next("answerCallbackQuery", 30.0)
            message_id, data = button(api, 960, "Oui, je réserve")
            booking = api.user_press(960, message_id, data)
            sent_before = len(api.calls)
            assert await webhook.push(booking) == 200
            # The person writes again meanwhile: recorded too, answered after the booking.
            question = api.user_text(960, "mes inscriptions")
            assert await webhook.push(question) == 200
            process.send_signal(signal.SIGKILL)  # the bot dies here, nothing of it runs
            await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert texts(api, 960, sent_before) == []  # nothing had gone out

    # The bot starts again, after the answers' hold has lapsed.
    clock = FixedClock(datetime.now(UTC) + LATER)
    settings = webhook_settings(api, database_url, outbox_poll_seconds=30)
    runtime = Runtime(settings, clock)
    await runtime.start()
    try:
        assert runtime.http is not None
        async with httpx.AsyncClient() as client:
            webhook = Webhook(client, runtime.http.port)
            since = len(api.calls)
            # Telegram delivers both again (it never saw them answered): nothing more.
            assert await webhook.push(booking) == 200
            assert await webhook.push(question) == 200
            await runtime.engine.send_due()
            await api.wait_for_replies(960, since=since, min_count=2, quiet=0.5)
            await runtime.engine.send_due()  # nothing is left to send
    finally:
        await runtime.stop()
    after = texts(api, 960, since)
    confirmed = [n for n, text in enumerate(after) if "C'est réservé" in text]
    listed = [n for n, text in enumerate(after) if "Prendre en main son smartphone" in text]
    assert len(confirmed) == 1, after  # the confirmation, once
    assert confirmed[0] == 0, after  # first, as the person wrote
    assert len(listed) == 2, after  # then their bookings, once (the confirmation names it too)
    assert texts(api, 960, 0).count(after[-1]) == 1
    left = await answers(db)
    assert all(row.status == OutboxStatus.SENT and row.payload == {} for row in left)
    await db.dispose()


async def test_answers_sent_at_once_go_once_and_are_not_kept(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    """While an answer is on its way it is kept with its update; once gone it is forgotten,
    and nothing sends it again: not Telegram delivering the update again meanwhile, not the
    outbox once the time it was held for has passed."""
    settings = webhook_settings(api, database_url, outbox_poll_seconds=30)
    runtime = Runtime(settings, clock)
    await runtime.start()
    try:
        assert runtime.http is not None
        async with httpx.AsyncClient() as client:
            webhook = Webhook(client, runtime.http.port)
            api.delay_next("sendMessage", 2.0, chat_id=961)  # Telegram slow to take it
            hello = api.user_text(961, "bonjour")
            assert await webhook.push(hello) == 200
            assert texts(api, 961, 0) == []  # on its way
            kept = await answers(runtime.db)
            assert [row.status for row in kept] == [OutboxStatus.SENDING]
            assert "Bonjour Marie !" in str(kept[0].payload)
            assert await webhook.push(hello) == 200  # delivered again: changes nothing
            clock.advance(LATER)  # held for long (a stalled bot): its outbox leaves them
            await runtime.engine.send_due()
            await api.wait_for_replies(961, since=0, min_count=2, quiet=0.5)
            await until_forgotten(runtime.db)
            await runtime.engine.send_due()
    finally:
        await runtime.stop()
    seen = texts(api, 961, 0)
    assert len(seen) == 2, seen  # the keyboard's note, then the welcome, once each
    assert seen[1].startswith("Bonjour Marie !")

"""A slow or dead provider never holds up another channel's messages: an SMTP server that
stalls on every e-mail leaves the SMS replies queued meanwhile to go out at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiosmtpd.smtp import SMTP  # type: ignore[import-untyped]
from twilio.request_validator import RequestValidator

from bot.channels.email import CHANNEL as EMAIL
from bot.channels.email import EmailChannel
from bot.runtime import Runtime
from core.clock import FixedClock
from core.delivery.sender import OutboxSender
from core.dialog import SMS
from core.seats.alerts import SESSION_FULL, queue_alert
from handlers.renderers.notice_texts import render_notice
from models import Database, OutboxStatus
from tests.bot.channels.test_sms import SID, TOKEN, sms_settings
from tests.core.delivery.test_outbox_leases import Provider, queue_to, statuses, until
from tests.support.factories import add_session, make_settings
from tests.support.sms_providers import FakeTwilio

PAUL = "+33612345679"


class StalledMailbox:
    """An SMTP handler that takes the envelope, then holds every DATA until released."""

    def __init__(self) -> None:
        self.stalled = 0
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.stalled += 1
        self.arrived.set()
        await self.release.wait()
        return "250 OK"


@pytest.fixture
async def stalled_smtp() -> AsyncIterator[tuple[StalledMailbox, int]]:
    mailbox = StalledMailbox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(mailbox), "127.0.0.1", 0)
    try:
        yield mailbox, server.sockets[0].getsockname()[1]
    finally:
        mailbox.release.set()
        server.close()
        await server.wait_closed()


async def text_the_bot(client: httpx.AsyncClient, url: str, body: str) -> None:
    params = {"From": PAUL, "To": "+33700000000", "Body": body}
    params |= {"MessageSid": "SM" + "7" * 32, "AccountSid": SID}
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    answer = await client.post(url, data=params, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200


async def test_an_sms_reply_is_not_held_up_by_a_stalled_smtp_server(
    stalled_smtp: tuple[StalledMailbox, int], sqlite_url: str, clock: FixedClock
) -> None:
    mailbox, port = stalled_smtp
    async with FakeTwilio(SID, TOKEN) as twilio:
        settings = make_settings(
            sqlite_url,
            **sms_settings(sqlite_url, "twilio", twilio.base_url),
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            smtp_from="atelier@example.org",
            smtp_timeout_seconds=60,
            organiser_emails="orga@example.org, accueil@example.org",
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            await runtime.engine.tick()  # the organisers' inbox is set up
            session_id = await add_session(runtime.db, capacity=1, seats_taken=1)
            async with runtime.db.transaction() as session:
                key = f"{SESSION_FULL}:{session_id}:1"
                payload = {"session_id": session_id}
                assert await queue_alert(session, SESSION_FULL, key, clock.now(), payload)
            runtime.engine.wake()
            async with asyncio.timeout(10):
                await mailbox.arrived.wait()  # the e-mails are out, and stuck
            assert runtime.http is not None
            url = f"http://127.0.0.1:{runtime.http.port}/sms/twilio"
            async with httpx.AsyncClient() as client:
                started = time.monotonic()
                await text_the_bot(client, url, "bonjour")
                [welcome] = await twilio.wait_for(PAUL, 1, within=20)
                waited = time.monotonic() - started
            assert welcome.startswith("Bonjour")
            assert not mailbox.release.is_set()  # the e-mails were still stuck meanwhile
            print(f"SMS reply while the SMTP server stalls: {waited:.2f} s")
        finally:
            mailbox.release.set()
            await runtime.stop()
    assert mailbox.stalled == 2  # the organisers' e-mails went out in the end, once each


async def test_a_channel_with_half_a_batch_stuck_leaves_room_for_the_others(
    stalled_smtp: tuple[StalledMailbox, int], db: Database, clock: FixedClock
) -> None:
    mailbox, port = stalled_smtp
    settings = make_settings(
        db.url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="atelier@example.org",
        smtp_timeout_seconds=60,
    )
    texts = Provider()
    sender = OutboxSender(
        db,
        clock,
        lambda session, row, person, now: render_notice(session, row, person, settings, now),
        {EMAIL: EmailChannel(settings).deliver, SMS: texts.deliver},
        batch=4,
    )
    await queue_to(db, clock.now(), [(EMAIL, f"orga{n}@example.org") for n in range(5)])
    sending = asyncio.create_task(sender.run_once())
    try:
        await until(lambda: mailbox.stalled == 4)  # a batch of e-mails, all stuck
        await queue_to(db, clock.now(), [(SMS, PAUL)])
        sender.poke()  # what the channels do when they queue a reply
        await until(lambda: texts.sent[PAUL] == 1, within=20)

        async def recorded() -> bool:  # the provider took the text; its row says so a moment on
            return (await statuses(db))[OutboxStatus.SENT] == 1

        await until(recorded, within=5)
        # The fifth e-mail waits for room among its own channel's rows.
        assert await statuses(db) == {
            OutboxStatus.SENDING: 4,
            OutboxStatus.PENDING: 1,
            OutboxStatus.SENT: 1,
        }
    finally:
        mailbox.release.set()
    assert await asyncio.wait_for(sending, 30) == 6
    assert await statuses(db) == {OutboxStatus.SENT: 6}
    assert mailbox.stalled == 5

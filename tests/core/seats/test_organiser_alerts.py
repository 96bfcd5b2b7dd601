"""Alerts to organisers, each once: a session full, a late cancellation, a message not
delivered, and the evening roster of tomorrow; by e-mail (a loopback SMTP server) and on
Telegram (the loopback Bot API)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP  # type: ignore[import-untyped]

from bot.channels.email import SUBJECT_LENGTH, EmailChannel
from bot.runtime import Runtime
from core.clock import FixedClock
from core.delivery.sender import PermanentFailure
from core.dialog import Reply
from core.seats.organisations import add_organiser
from handlers.machinery.turns import Conversations
from models import Person, WorkshopSession
from tests.support.bot_api import FakeBotApi
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings

ORGANISER = 990
# add_session's default: Wednesday 6 January 2027 at 14 h in Metz.
START = datetime(2027, 1, 6, 13, 0, tzinfo=UTC)


class Mailbox:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.messages]

    def bodies(self) -> list[str]:
        return [str(message.get_content()) for message in self.messages]


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(mailbox), "127.0.0.1", 0)
    try:
        yield mailbox, server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
async def mailed(
    smtp: tuple[Mailbox, int], database_url: str, clock: FixedClock
) -> AsyncIterator[tuple[Runtime, Mailbox]]:
    """The bot with organisers by e-mail only, its engine ticked by the test."""
    mailbox, port = smtp
    settings = make_settings(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="atelier@example.org",
        organiser_emails="orga@example.org, accueil@example.org",
    )
    runtime = Runtime(settings, clock, telegram_enabled=False)
    await runtime.engine.tick()  # start-up: the organisers' inbox is set up
    try:
        yield runtime, mailbox
    finally:
        await runtime.services.close()


def chat(runtime: Runtime, clock: FixedClock, who: str, name: str = "Marie") -> Chat:
    return Chat(Conversations(runtime.db, runtime.settings, clock), who, name=name)


async def tick(runtime: Runtime, times: int = 2) -> None:
    for _ in range(times):
        await runtime.engine.tick()


async def test_a_full_session_is_mailed_once_to_each_organiser(
    mailed: tuple[Runtime, Mailbox], clock: FixedClock
) -> None:
    runtime, mailbox = mailed
    session_id = await add_session(runtime.db, capacity=2)
    marie, ali = chat(runtime, clock, "1"), chat(runtime, clock, "2", "Ali")
    for person in (marie, ali):
        await person.say("bonjour")
    await marie.pick(f"by:{session_id}")
    await tick(runtime)
    assert mailbox.messages == []  # one seat left: nothing to tell
    await ali.pick(f"by:{session_id}")
    await tick(runtime, 3)
    assert sorted(str(m["X-Envelope-To"]) for m in mailbox.messages) == [
        "accueil@example.org",
        "orga@example.org",
    ]
    subject = mailbox.subjects()[0]
    assert subject.startswith("Atelier complet : « Prendre en main son smartphone »")
    assert "mercredi 6 janvier à 14 h" in subject
    assert str(mailbox.messages[0]["From"]) == "atelier@example.org"


async def test_a_late_cancellation_is_mailed_and_an_early_one_is_not(
    mailed: tuple[Runtime, Mailbox], clock: FixedClock
) -> None:
    runtime, mailbox = mailed
    session_id = await add_session(runtime.db, capacity=5)
    marie, ali = chat(runtime, clock, "1"), chat(runtime, clock, "2", "Ali")
    for person in (marie, ali):
        await person.say("bonjour")
        await person.pick(f"by:{session_id}")
    await marie.say("annuler")
    await marie.say("oui")  # two days before: no alert
    await tick(runtime)
    assert mailbox.messages == []
    clock.set(START - timedelta(hours=5))
    await ali.say("annuler")
    await ali.say("oui")
    assert "annulé" in ali.text
    await tick(runtime, 3)
    assert len(mailbox.messages) == 2
    body = mailbox.bodies()[0]
    assert "Annulation tardive : Ali ne viendra pas." in body
    assert "Places libres : 5." in body


async def test_the_evening_roster_of_tomorrow_is_mailed_once(
    mailed: tuple[Runtime, Mailbox], clock: FixedClock
) -> None:
    runtime, mailbox = mailed
    session_id = await add_session(runtime.db, capacity=3)
    await add_session(runtime.db, title="Envoyer un e-mail", starts_at=START + timedelta(days=1))
    marie = chat(runtime, clock, "1")
    await marie.say("bonjour")
    await marie.pick(f"by:{session_id}")
    clock.set(datetime(2027, 1, 5, 16, 59, tzinfo=UTC))  # Tuesday 17:59 in Metz
    await tick(runtime)
    assert mailbox.messages == []
    clock.set(datetime(2027, 1, 5, 17, 0, tzinfo=UTC))  # 18 h
    await tick(runtime)
    clock.advance(timedelta(hours=2))
    await tick(runtime)
    # A restart the same evening sends nothing more.
    second = Runtime(runtime.settings, clock, telegram_enabled=False)
    try:
        await tick(second)
    finally:
        await second.services.close()
    assert len(mailbox.messages) == 2
    body = mailbox.bodies()[0]
    assert body.startswith("Les ateliers de demain, mercredi 6 janvier :")
    assert "« Prendre en main son smartphone » à 14 h. Inscrits : 1 sur 3." in body
    assert "\N{EN DASH} Marie" in body
    assert "Envoyer un e-mail" not in body  # that one is on Thursday


async def test_a_message_not_delivered_is_mailed(
    mailed: tuple[Runtime, Mailbox], clock: FixedClock
) -> None:
    runtime, mailbox = mailed

    async def refuse(person: Person, reply: Reply) -> None:
        raise PermanentFailure("refused")

    runtime.engine.deliverers["test"] = refuse
    session_id = await add_session(runtime.db, capacity=5)
    marie = chat(runtime, clock, "1")
    await marie.say("bonjour")
    await marie.pick(f"by:{session_id}")
    clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))  # the reminder is due
    await tick(runtime, 3)
    assert len(mailbox.messages) == 2
    body = mailbox.bodies()[0]
    assert "Un message n'a pas pu partir." in body
    assert "Pour : Marie (test)." in body
    assert "Atelier : « Prendre en main son smartphone »" in body


async def test_no_alert_is_queued_without_organisers(database_url: str, clock: FixedClock) -> None:
    runtime = Runtime(make_settings(database_url), clock, telegram_enabled=False)
    try:
        await runtime.engine.tick()
        session_id = await add_session(runtime.db, capacity=1)
        marie = chat(runtime, clock, "1")
        await marie.say("bonjour")
        await marie.pick(f"by:{session_id}")
        async with runtime.db.transaction() as session:
            from sqlalchemy import select

            from models import OutboxMessage

            kinds = list((await session.execute(select(OutboxMessage.kind))).scalars())
        assert kinds == ["reminder"]
    finally:
        await runtime.services.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


async def test_telegram_organisers_are_told_once(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    settings = make_settings(
        database_url,
        telegram_bot_token=api.token,
        telegram_api_base_url=api.base_url,
        admin_telegram_ids=[ORGANISER],
    )
    runtime = Runtime(settings, clock, poll_timeout=1)
    await runtime.start()
    try:
        organiser = api.user(ORGANISER, "Claire")
        await organiser.say("bonjour")
        await runtime.engine.tick()
        session_id = await add_session(runtime.db, capacity=1)
        person = api.user(501, "Marie")
        await person.say(f"/start s{session_id}")
        await person.press("Oui, je réserve")
        clock.set(START - timedelta(hours=3))  # the reminder goes out: cancel from it
        async with asyncio.timeout(10):
            while not any("Petit rappel" in m.text for m in api.sent_to(501)):
                await runtime.engine.tick()
                await asyncio.sleep(0.05)
        await person.press("Annuler ma place")
        await person.press("Oui, j'annule")
        for expected in ("Atelier complet", "Annulation tardive : Marie ne viendra pas."):
            async with asyncio.timeout(10):
                while not any(expected in m.text for m in api.sent_to(ORGANISER)):
                    await runtime.engine.tick()
                    await asyncio.sleep(0.05)
        for _ in range(3):
            await runtime.engine.tick()
        texts = [m.text for m in api.sent_to(ORGANISER)]
        assert sum("Atelier complet" in text for text in texts) == 1
        assert sum("Annulation tardive" in text for text in texts) == 1
    finally:
        await runtime.stop()


@pytest.mark.parametrize(
    "breaker", ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x1c", "\x1b"]
)
async def test_a_name_with_a_line_break_stays_in_the_subject(
    mailed: tuple[Runtime, Mailbox], clock: FixedClock, breaker: str
) -> None:
    """A name comes from the person: whatever it holds, the subject stays one line and no
    header is added to the e-mail."""
    runtime, mailbox = mailed
    session_id = await add_session(runtime.db, capacity=5)
    ali = chat(runtime, clock, "2", f"Ali{breaker}Bcc: pirate@example.net{breaker}")
    await ali.say("bonjour")
    await ali.pick(f"by:{session_id}")
    clock.set(START - timedelta(hours=5))
    await ali.say("annuler")
    await ali.say("oui")
    await tick(runtime, 3)
    assert len(mailbox.messages) == 2
    for message in mailbox.messages:
        assert message["Bcc"] is None
        assert "pirate" not in str(message["X-Envelope-To"])
        assert str(message["Subject"]) == (
            "Annulation tardive : Ali Bcc: pirate@example.net ne viendra pas."
        )
        assert "Places libres : 5." in str(message.get_content())


def test_a_subject_is_one_bounded_line() -> None:
    channel = EmailChannel(make_settings("sqlite+aiosqlite://", smtp_from="atelier@example.org"))
    text = "Alerte\u2028Bcc: a@example.net\x85Cc: b@example.net\r\x1b[2J" + "x" * 500 + "\nSuite"
    message = channel.message(Person(external_id="orga@example.org"), Reply(text))
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Cc"] is None
    subject = str(parsed["Subject"])
    assert subject.startswith("Alerte Bcc: a@example.net Cc: b@example.net [2Jxxx")
    assert len(subject) == SUBJECT_LENGTH


async def test_an_organisation_s_telegram_organisers_are_told_of_its_sessions_only(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    """Organisers added with `--telegram-id`: a session full at Woippy is told to Woippy's
    organiser, not to Metz's; no ADMIN_TELEGRAM_IDS are needed for it."""
    settings = make_settings(
        database_url, telegram_bot_token=api.token, telegram_api_base_url=api.base_url
    )
    runtime = Runtime(settings, clock, poll_timeout=1)
    async with runtime.db.transaction() as session:
        woippy = await add_organiser(
            session, "lucie@woippy.example", "x", "Médiathèque de Woippy", NOW, telegram_id=991
        )
        await add_organiser(
            session, "claire@metz.example", "x", "Boutique Orange Metz", NOW, telegram_id=992
        )
    await runtime.start()
    try:
        for user, name in ((991, "Lucie"), (992, "Claire")):
            await api.user(user, name).say("bonjour")
        session_id = await add_session(runtime.db, capacity=1)
        async with runtime.db.transaction() as session:
            workshop = await session.get_one(WorkshopSession, session_id)
            workshop.organisation_id = woippy.organisation_id
        await runtime.engine.tick()
        person = api.user(501, "Marie")
        await person.say(f"/start s{session_id}")
        await person.press("Oui, je réserve")
        async with asyncio.timeout(10):
            while not any("Atelier complet" in m.text for m in api.sent_to(991)):
                await runtime.engine.tick()
                await asyncio.sleep(0.05)
        for _ in range(3):
            await runtime.engine.tick()
        assert not any("Atelier complet" in m.text for m in api.sent_to(992))
    finally:
        await runtime.stop()

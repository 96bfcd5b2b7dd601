"""One person's messages arrive in order, whatever fails on the way.

When a person's message fails in a pass of the outbox's sender (a provider error, a closed
connection, 429 after 429), none of that person's later messages goes in that pass, nor
before it in a later one: they wait behind it and follow it once it has gone. The others are
not held up. A Telegram reply whose keyboard note went out before its message failed does not
bring the note a second time when it is tried again.

Telegram is the loopback Bot API (``testkit/bot_api``); SMS (Twilio) and WhatsApp (the Graph
API) are loopback fakes of the providers' HTTP APIs; the bot runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels.telegram.application import CHANNEL
from bot.channels.whatsapp.templates import all_definitions
from bot.runtime import Runtime
from core.clock import FixedClock
from core.delivery.sender import MAX_RATE_LIMITED
from core.dialog import Reply, reply_to_payload
from core.outbox.queue import REPLY, enqueue
from handlers.machinery.turns import Conversations
from handlers.renderers.notice_texts import remember_notice
from models import Database, OutboxMessage, OutboxStatus, Person
from tests.core.delivery.test_outbox_delivery import (
    DUE,
    FIRST_CHAT,
    Sending,
    book_people,
    fast_pacer,
    statuses,
)
from tests.support.bot_api import Call, FakeBotApi
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings
from tests.support.graph_api import FakeGraphApi
from tests.support.sms_providers import FakeTwilio

FAILING = FIRST_CHAT
OTHER = FIRST_CHAT + 1
KEYBOARD = ("📅 Voir les ateliers", "🎟️ Mes inscriptions", "❓ Aide")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


def reminders_to(api: FakeBotApi, chat: int) -> list[str]:
    """The workshops of the reminders the chat received, in the order it received them."""
    texts = [
        str(call.params.get("text", ""))
        for call in api.calls
        if call.ok and call.method == "sendMessage" and call.chat_id == chat
    ]
    return [title for text in texts for title in ("Atelier 0", "Atelier 1") if title in text]


FAILURES: dict[str, Callable[[FakeBotApi], None]] = {
    "a server error": lambda api: api.fail_next("sendMessage", status=500, chat_id=FAILING),
    "a closed connection": lambda api: api.hang_up_next("sendMessage", chat_id=FAILING),
    "429 after 429": lambda api: api.fail_next(
        "sendMessage", status=429, retry_after=1, count=MAX_RATE_LIMITED, chat_id=FAILING
    ),
}


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_a_telegram_message_that_fails_holds_back_the_persons_later_ones_only(
    api: FakeBotApi, database_url: str, clock: FixedClock, failure: str
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=2, sessions=2)  # two reminders each, in this order
    await db.dispose()
    FAILURES[failure](api)
    clock.set(DUE)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await one.sender.run_once()
        # The first reminder failed: the second does not overtake it; the other person
        # gets both.
        assert reminders_to(api, FAILING) == []
        assert reminders_to(api, OTHER) == ["Atelier 0", "Atelier 1"]
        await one.sender.run_once()  # before the first one's retry: still nothing
        assert reminders_to(api, FAILING) == []
        clock.advance(timedelta(minutes=10))
        await one.sender.run_once()
        assert reminders_to(api, FAILING) == ["Atelier 0", "Atelier 1"]
        assert await statuses(one.db) == {OutboxStatus.SENT: 4}


async def book_two(db: Database, clock: FixedClock, channel: str, number: str) -> None:
    """A person of ``channel`` books two sessions on Wednesday afternoon: two reminders."""
    flows = Conversations(db, make_settings(db.url), clock)
    chat = Chat(flows, number, channel=channel)
    await chat.say("bonjour")
    for n in range(2):
        session_id = await add_session(
            db, title=f"Atelier {n}", starts_at=NOW + timedelta(days=2, hours=4 + n)
        )
        await chat.pick(f"by:{session_id}")


def in_order(bodies: list[str]) -> list[str]:
    """The workshops the messages ``bodies`` remind of, in their order."""
    return [title for body in bodies for title in ("Atelier 0", "Atelier 1") if title in body]


async def held_back_then_in_order(
    runtime: Runtime, clock: FixedClock, received: Callable[[], list[str]]
) -> None:
    """The person's first reminder fails at the provider (set up by the caller): neither
    goes in that pass nor in the next, before its retry; then both go, in order."""
    clock.set(DUE)
    for _ in range(2):
        await runtime.engine.send_due()
        await runtime.engine.settle()
        assert in_order(received()) == []
    clock.advance(timedelta(minutes=10))
    await runtime.engine.send_due()
    await runtime.engine.settle()
    assert in_order(received()) == ["Atelier 0", "Atelier 1"]


MARIE = "+33612345678"
TWILIO_SID = "AC" + "0" * 32
PHONE_ID = "106540352242922"


async def test_an_sms_that_fails_holds_back_the_persons_later_ones(
    database_url: str, clock: FixedClock
) -> None:
    async with FakeTwilio(TWILIO_SID, "twilio-auth-token") as twilio:
        settings = make_settings(
            database_url,
            sms_provider="twilio",
            http_port=0,
            sms_rate_per_second=200,
            twilio_account_sid=TWILIO_SID,
            twilio_auth_token="twilio-auth-token",
            twilio_from_number="+33700000000",
            twilio_api_base_url=twilio.base_url,
            outbox_poll_seconds=600,  # the test runs the passes
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            await book_two(runtime.db, clock, "sms", MARIE)
            twilio.fail_next(500)
            await held_back_then_in_order(runtime, clock, lambda: twilio.to(MARIE))
        finally:
            await runtime.stop()


async def test_a_whatsapp_message_that_fails_holds_back_the_persons_later_ones(
    database_url: str, clock: FixedClock
) -> None:
    async with FakeGraphApi(PHONE_ID, "token", clock, templates=all_definitions()) as graph:
        graph.on_whatsapp.add(MARIE.lstrip("+"))
        settings = make_settings(
            database_url,
            whatsapp_access_token="token",
            whatsapp_phone_number_id=PHONE_ID,
            whatsapp_app_secret="secret",
            whatsapp_verify_token="verify",
            whatsapp_api_base_url=graph.base_url,
            whatsapp_rate_per_second=200,
            http_port=0,
            outbox_poll_seconds=600,  # the test runs the passes
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            await book_two(runtime.db, clock, "whatsapp", MARIE)
            graph.fail_next(500, 1)  # Meta's "unknown error, try again"
            await held_back_then_in_order(
                runtime, clock, lambda: [str(sent.message) for sent in graph.to(MARIE)]
            )
        finally:
            await runtime.stop()


def fail_the_message_after_its_note(api: FakeBotApi, chat: int, fail: Callable[[], None]) -> None:
    """Once the note has gone to ``chat``, its message's call fails as ``fail`` makes it."""
    armed = True

    def watch(call: Call) -> None:
        nonlocal armed
        if armed and call.method == "sendMessage" and call.chat_id == chat and call.ok:
            armed = False
            fail()

    api.on_call(watch)


NOTE_FAILURES: dict[str, Callable[[FakeBotApi], None]] = {
    "a server error": lambda api: api.fail_next("sendMessage", status=500, chat_id=FAILING),
    "a closed connection": lambda api: api.hang_up_next("sendMessage", chat_id=FAILING),
    "a 429": lambda api: api.fail_next("sendMessage", status=429, retry_after=1, chat_id=FAILING),
}


@pytest.mark.parametrize("failure", list(NOTE_FAILURES))
async def test_a_keyboard_note_that_went_out_is_not_sent_again_with_the_retry(
    api: FakeBotApi, database_url: str, clock: FixedClock, failure: str
) -> None:
    db = Database(database_url)
    flows = Conversations(db, make_settings(database_url), clock)
    await Chat(flows, str(FAILING), channel=CHANNEL).say("bonjour")  # the person is known
    welcome = Reply("Bonjour Marie !", keyboard=KEYBOARD, keyboard_note="Le menu est en bas.")
    async with db.transaction() as session:
        person = (await session.execute(select(Person))).scalar_one()
        # A reply handed over by the channel whose note had not gone (its call failed).
        await enqueue(
            session,
            key=f"{REPLY}:{CHANNEL}:1:0",
            person_id=person.id,
            kind=REPLY,
            due_at=clock.now(),
            payload=reply_to_payload(welcome),
        )
    await db.dispose()
    fail_the_message_after_its_note(api, FAILING, lambda: NOTE_FAILURES[failure](api))
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await one.sender.run_once()
        clock.advance(timedelta(minutes=10))
        await one.sender.run_once()
        async with one.db.transaction() as session:
            rows = (await session.execute(select(OutboxMessage.status))).scalars().all()
        assert rows == [OutboxStatus.SENT]
    texts = [
        str(call.params.get("text"))
        for call in api.calls
        if call.ok and call.method == "sendMessage" and call.chat_id == FAILING
    ]
    assert texts == ["Le menu est en bas.", "Bonjour Marie !"]


async def test_a_reminder_queued_before_a_failed_answer_does_not_overtake_it(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    # A reminder falls due as the person's answer is queued: the answer goes first (it is
    # more urgent) and fails; the reminder, put back unsent behind it, waits for it even
    # though it was queued first.
    db = Database(database_url)
    await book_people(db, clock, people=1, sessions=1)  # the reminder, queued now
    clock.set(DUE)
    async with db.transaction() as session:
        person = (await session.execute(select(Person))).scalar_one()
        await enqueue(
            session,
            key=f"{REPLY}:{CHANNEL}:1:0",
            person_id=person.id,
            kind=REPLY,
            due_at=clock.now(),
            payload=reply_to_payload(Reply("Voici vos inscriptions.")),
        )
    await db.dispose()
    api.fail_next("sendMessage", status=500, chat_id=FAILING)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await one.sender.run_once()  # the answer fails; its retry is not due yet
        clock.advance(timedelta(minutes=10))
        await one.sender.run_once()
        assert await statuses(one.db) == {OutboxStatus.SENT: 2}
    texts = [
        str(call.params.get("text"))
        for call in api.calls
        if call.ok and call.method == "sendMessage" and call.chat_id == FAILING
    ]
    received = ["reminder" if "Atelier 0" in text else text for text in texts]
    assert received == ["Voici vos inscriptions.", "reminder"]


async def test_a_reminder_put_back_unsent_does_not_answer_for_a_written_number(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    # The person's answer fails, so their reminder, behind it, is put back unsent. The
    # person, who has not seen the reminder, writes "2": it does not pick the reminder's
    # second choice (cancel their seat).
    db = Database(database_url)
    await book_people(db, clock, people=1, sessions=1)
    clock.set(DUE)
    async with db.transaction() as session:
        person = (await session.execute(select(Person))).scalar_one()
        await enqueue(
            session,
            key=f"{REPLY}:{CHANNEL}:1:0",
            person_id=person.id,
            kind=REPLY,
            due_at=clock.now(),
            payload=reply_to_payload(Reply("Voici vos inscriptions.")),
        )
    api.fail_next("sendMessage", status=500, chat_id=FAILING)
    chat = Chat(
        Conversations(db, make_settings(database_url), clock), str(FAILING), channel=CHANNEL
    )
    async with Sending(api, database_url, clock, fast_pacer(), remember=remember_notice) as one:
        await one.sender.run_once()  # the answer fails; the reminder waits behind it
        assert reminders_to(api, FAILING) == []
        await chat.say("2")
        assert "Voulez-vous vraiment annuler votre place" not in chat.text
        clock.advance(timedelta(minutes=10))
        await one.sender.run_once()  # both go: now "2" picks the reminder's choice
        assert reminders_to(api, FAILING) == ["Atelier 0"]
        await chat.say("2")
        assert "Voulez-vous vraiment annuler votre place" in chat.text
    await db.dispose()

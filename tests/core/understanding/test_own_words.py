"""Conversations where people answer in their own words, in the four languages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.clock import FixedClock
from core.i18n import Translator
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Database, UnreadMessage
from tests.core.seats.test_reminders import DUE, Inbox, booked_chat, sender_for
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings


async def _booked(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(Booking.status == BookingStatus.BOOKED)
        return int((await session.execute(query)).scalar_one())


@pytest.mark.parametrize(
    ("language", "yes"),
    [("fr", "oui oui c'est bon pour moi"), ("en", "yeah sure"), ("ar", "واخا"),
     ("tr", "evet tabii")],
)  # fmt: skip
async def test_a_yes_in_own_words_books_on_the_confirmation_screen(
    db: Database, clock: FixedClock, language: str, yes: str
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1", language=language)
    await chat.say("bonjour")
    await chat.pick(f"b:{session_id}")
    await chat.say(yes)
    assert await _booked(db) == 1


@pytest.mark.parametrize(
    ("language", "no"), [("fr", "non merci"), ("en", "nah"), ("ar", "لا شكرا"), ("tr", "hayır")]
)
async def test_a_no_in_own_words_changes_nothing(
    db: Database, clock: FixedClock, language: str, no: str
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1", language=language)
    await chat.say("bonjour")
    await chat.pick(f"b:{session_id}")
    await chat.say(no)
    assert await _booked(db) == 0


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "je ne veux pas annuler"), ("en", "don't cancel my seat"),
     ("ar", "ما بغيتش نلغي"), ("tr", "iptal etmeyin")],
)  # fmt: skip
async def test_a_negated_cancel_does_not_open_the_cancel_screen(
    db: Database, clock: FixedClock, language: str, text: str
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1", language=language)
    await chat.say("bonjour")
    await chat.pick(f"by:{session_id}")
    assert await _booked(db) == 1
    await chat.say(text)
    assert not [c for r in chat.last for c in r.flat_choices() if c.data.startswith("cy:")]
    assert await _booked(db) == 1


@pytest.mark.parametrize("text", ["3 stp", "le troisième", "the third", "üçüncü", "الثالث"])
async def test_a_number_or_ordinal_picks_on_a_list(
    db: Database, clock: FixedClock, text: str
) -> None:
    ids = [await add_session(db, title=f"Atelier {n}") for n in ("A", "B", "C")]
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1")
    await chat.say("bonjour")
    await chat.say("ateliers")
    await chat.say(text)
    assert "Atelier C" in chat.text
    assert any(c.data == f"b:{ids[2]}" for r in chat.last for c in r.flat_choices())


async def test_not_understood_on_a_step_asks_that_step_again(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Fatima")
    await chat.say("bonjour")
    await chat.pick(f"b:{session_id}")
    await chat.say("Fatima au 0612345678 zorglub")
    assert Translator("fr")("understand.again") in chat.text
    assert Translator("fr")("explain.confirm").splitlines()[0] in chat.text
    assert any(c.data == f"by:{session_id}" for r in chat.last for c in r.flat_choices())
    async with db.transaction() as session:
        kept = (await session.execute(select(UnreadMessage.text))).scalars().all()
    assert kept
    assert "0612345678" not in kept[0]
    assert "Fatima" not in kept[0]


@pytest.mark.parametrize(
    ("language", "stop"),
    [("fr", "arrêtez les sms"), ("fr", "plus de sms svp"), ("en", "no more texts"),
     ("ar", "اوقف الرسائل"), ("tr", "mesajları durdur")],
)  # fmt: skip
async def test_stop_in_everyday_forms_says_how_to_come_back(
    db: Database, clock: FixedClock, language: str, stop: str
) -> None:
    chat = Chat(Conversations(db, make_settings(db.url), clock), "+33612345678", channel="sms",
                language=language)  # fmt: skip
    await chat.say("bonjour")
    await chat.say(stop)
    assert "START" in chat.text
    assert await chat.say("menu") == []
    await chat.say("START")
    assert chat.last


@pytest.mark.parametrize("answer", ["oui oui je serai là", "ok", "evet", "yes i'll be there"])
async def test_a_written_yes_to_the_reminder_says_i_will_be_there(
    db: Database, clock: FixedClock, answer: str
) -> None:
    chat, _ = await booked_chat(db, clock)
    inbox = Inbox()
    clock.set(DUE)
    await sender_for(db, clock, inbox).run_once()
    assert inbox.received
    await chat.say(answer)
    assert "C'est noté" in chat.text
    async with db.transaction() as session:
        booking = (await session.execute(select(Booking))).scalar_one()
    assert booking.confirmed_at == DUE


async def test_start_is_a_welcome_unless_messages_were_stopped(
    sqlite_url: str, clock: FixedClock
) -> None:
    db = Database(sqlite_url)
    try:
        conversations = Conversations(db, make_settings(sqlite_url), clock)
        newcomer = Chat(conversations, "new")
        await newcomer.say("/start")
        assert newcomer.text.startswith("Bonjour")
        assert "de nouveau" not in newcomer.text
        await newcomer.say("START")  # messages were never stopped: the menu, no "welcome back"
        assert "de nouveau" not in newcomer.text
        assert "Que voulez-vous faire" in newcomer.text
        await newcomer.say("STOP")
        await newcomer.say("START")
        assert "de nouveau" in newcomer.text
    finally:
        await db.dispose()

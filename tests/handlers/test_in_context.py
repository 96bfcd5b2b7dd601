"""Read in context, ask when unsure: conversations as people who write instead of tapping.

On a workshop's card, agreeing or naming the booking opens the booking question; on a list, a
number or an ordinal anywhere in a short sentence picks that line; a reported cancel
followed by "yes" keeps the seat; a cancel read without high confidence is asked about first
("Vous voulez : 1. Annuler votre place 2. Voir vos inscriptions"). Both databases.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from handlers.machinery.choices import ChoiceData, ConfirmBooking
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Database
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings


async def booked(db: Database) -> int:
    async with db.transaction() as session:
        rows = await session.execute(select(Booking).where(Booking.status == BookingStatus.BOOKED))
        return len(list(rows.scalars()))


def asks_to_book(chat: Chat) -> bool:
    """The last answer is the booking question (its yes books the session)."""
    return any(
        isinstance(ChoiceData.parse(choice.data), ConfirmBooking)
        for reply in chat.last
        for choice in reply.flat_choices()
    )


@pytest.mark.parametrize(
    ("language", "pick", "agree"),
    [
        ("fr", "c le 1 ke je veu", "ouais je prends"),
        ("en", "i'll go with the first one please", "yes i want to book it"),
        ("ar", "بغيت رقم ١", "واخا نحجز"),
        ("tr", "birinciyi istiyorum", "evet kayıt olmak istiyorum"),
    ],
)
async def test_a_person_who_only_writes_books_from_the_list_and_the_card(
    database_url: str, db: Database, clock: FixedClock, language: str, pick: str, agree: str
) -> None:
    await add_session(db, title="Prendre en main son smartphone")
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1", language=language)
    await chat.say("bonjour")
    await chat.pick("l:0")
    await chat.say(pick)
    assert "smartphone" in chat.text  # the card
    await chat.say(agree)
    assert asks_to_book(chat)
    await chat.say(
        "oui" if language == "fr" else {"en": "yes", "ar": "نعم", "tr": "evet"}[language]
    )
    assert await booked(db) == 1


async def test_an_ordinal_or_a_spoken_correction_picks_on_a_list(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    for day in range(1, 5):
        await add_session(db, title=f"Atelier {day}", starts_at=NOW + timedelta(days=day))
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1", language="tr")
    await chat.say("merhaba")
    await chat.pick("l:0")
    await chat.say("dördüncüsü")
    assert "Atelier 4" in chat.text
    assert "Atelier 3" not in chat.text
    await chat.pick("l:0")
    await chat.say("euh le deux non le trois")
    assert "Atelier 3" in chat.text
    assert "Atelier 2" not in chat.text


async def test_a_reported_cancel_then_yes_keeps_the_seat(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1", language="en")
    await chat.say("hello")
    await chat.pick(f"by:{session_id}")
    assert await booked(db) == 1
    await chat.say("my neighbour told me to cancel but i will come anyway")
    await chat.say("yes")
    assert await booked(db) == 1


async def test_an_unsure_cancel_is_asked_about_before_its_confirmation(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1")
    await chat.say("bonjour")
    await chat.pick(f"by:{session_id}")
    await chat.say("le tram ne marche pas virgule je pense annuler")
    assert "Vous voulez :" in chat.text
    labels = [c.label for r in chat.last for c in r.flat_choices()]
    assert labels[:2] == ["Annuler votre place", "Voir vos inscriptions"]
    assert await booked(db) == 1
    await chat.say("1")
    assert "Voulez-vous vraiment annuler votre place ?" in chat.text
    assert await booked(db) == 1
    await chat.say("oui")
    assert await booked(db) == 0


async def test_a_clear_request_beside_a_reason_opens_its_confirmation(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1")
    await chat.say("bonjour")
    await chat.pick(f"by:{session_id}")
    await chat.say("le tram ne marche pas aujourd'hui, je préfère annuler ma place")
    assert "Voulez-vous vraiment annuler votre place ?" in chat.text
    await chat.say("inchallah")
    assert await booked(db) == 1


async def test_the_screens_own_button_words_answer_it_even_misspelt(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1")
    await chat.say("bonjour")
    await chat.pick(f"b:{session_id}")
    assert asks_to_book(chat)
    await chat.say("oui je reserv")
    assert await booked(db) == 1


async def test_by_sms_the_clarifying_question_is_answered_with_its_number(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(database_url), clock), "+33612345678")
    chat.sender = replace(chat.sender, channel="sms")
    await chat.say("bonjour")
    await chat.pick(f"by:{session_id}")
    assert await booked(db) == 1
    await chat.say("le tram ne marche pas virgule je pense annuler")
    assert "Vous voulez :" in chat.text
    await chat.say("2")  # see my bookings: nothing is cancelled
    assert "smartphone" in chat.text
    assert await booked(db) == 1


@pytest.mark.parametrize(
    ("language", "first", "answer", "shown"),
    [
        ("fr", "le tram ne marche pas virgule je pense annuler", "voir", "Vos inscriptions"),
        (
            "fr",
            "j'ai lu des choses sur les fuites, effacer mes infos je sais pas",
            "savoir",
            "Vos données.",
        ),
    ],
)
async def test_a_word_of_one_offer_answers_the_clarifying_question(
    database_url: str,
    db: Database,
    clock: FixedClock,
    language: str,
    first: str,
    answer: str,
    shown: str,
) -> None:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1", language=language)
    await chat.say("bonjour")
    await chat.pick(f"by:{session_id}")
    await chat.say(first)
    assert chat.text.startswith(("Je ne suis pas sûr", "I am not sure"))
    await chat.say(answer)  # the words of one offer pick it
    assert chat.text.startswith(shown)
    assert await booked(db) == 1

"""Booking for someone else: a first name and maybe a mobile number; the booker sees and
can cancel those seats, the person can cancel by SMS; never two seats for one person."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.clock import FixedClock
from handlers.machinery.turns import Conversations
from models import Booking, Database, OutboxMessage, Person, WorkshopSession
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings

NUMBER = "+33612345678"


async def helper_at_booking_screen(db: Database, clock: FixedClock) -> tuple[Chat, int]:
    session_id = await add_session(db, capacity=4)
    helper = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Karim")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    assert "Je réserve pour quelqu'un" in [c.label[2:] for c in helper.last[-1].flat_choices()]
    return helper, session_id


async def book_for(helper: Chat, name: str, phone: str | None) -> None:
    await helper.press("Je réserve pour quelqu'un")
    assert "Quel est son prénom ?" in helper.text
    await helper.say(name)
    assert f"Quel est le numéro de portable de {name} ?" in helper.text
    if phone is None:
        await helper.press("Pas de numéro")
    else:
        await helper.say(phone)


async def seats(db: Database) -> list[tuple[str, str, str, str | None]]:
    """Every booking: the holder's name and channel, the status, the booker's name."""
    async with db.transaction() as session:
        booker = aliased(Person)
        rows = await session.execute(
            select(Person.name, Person.channel, Booking.status, booker.name)
            .join(Person, Person.id == Booking.person_id)
            .outerjoin(booker, booker.id == Booking.booked_by_id)
            .order_by(Booking.id)
        )
        return [(name, channel, status, by) for name, channel, status, by in rows]


async def seats_taken(db: Database, session_id: int) -> int:
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        return workshop.seats_taken


async def test_a_helper_books_for_a_person_with_a_mobile_number(
    db: Database, clock: FixedClock
) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    await book_for(helper, "Josiane", "06 12 34 56 78")
    assert "C'est réservé pour Josiane !" in helper.text
    assert "Josiane recevra un rappel par SMS." in helper.text
    assert await seats(db) == [("Josiane", "sms", "booked", "Karim")]
    async with db.transaction() as session:
        query = select(Person.external_id).join(OutboxMessage, OutboxMessage.person_id == Person.id)
        assert list((await session.execute(query)).scalars()) == [NUMBER]  # her reminder
    # The helper may book one seat for themself too, but not a second one for Josiane.
    await helper.pick(f"by:{session_id}")
    assert "C'est réservé" in helper.text
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Josiane", "0612345678")
    assert "Josiane a déjà une place pour cet atelier." in helper.text
    assert await seats_taken(db, session_id) == 2


async def test_the_booker_sees_and_cancels_the_seat(db: Database, clock: FixedClock) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    await book_for(helper, "Josiane", None)
    assert "C'est réservé pour Josiane !" in helper.text
    assert "SMS" not in helper.text
    await helper.say("mes inscriptions")
    assert "Place réservée pour Josiane." in helper.text
    await helper.press("Annuler")
    assert "Voulez-vous vraiment annuler" in helper.text
    await helper.say("oui")
    assert "C'est annulé" in helper.text
    assert await seats(db) == [("Josiane", "guest", "cancelled", "Karim")]
    assert await seats_taken(db, session_id) == 0


async def test_a_guest_s_reminder_goes_to_the_booker(db: Database, clock: FixedClock) -> None:
    helper, _ = await helper_at_booking_screen(db, clock)
    await book_for(helper, "Josiane", None)
    async with db.transaction() as session:
        query = select(Person.name).join(OutboxMessage, OutboxMessage.person_id == Person.id)
        assert list((await session.execute(query)).scalars()) == ["Karim"]


async def test_the_person_cancels_by_sms_themself(db: Database, clock: FixedClock) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    await book_for(helper, "Josiane", "06 12 34 56 78")
    josiane = Chat(helper.conversations, NUMBER, name="", channel="sms")
    await josiane.say("bonjour")
    await josiane.say("ANNULER")
    assert "Prendre en main son smartphone" in josiane.text
    await josiane.say("oui")
    assert "C'est annulé" in josiane.text
    assert await seats(db) == [("Josiane", "sms", "cancelled", "Karim")]
    assert await seats_taken(db, session_id) == 0


async def test_a_bad_number_is_asked_again_and_nothing_is_booked(
    db: Database, clock: FixedClock
) -> None:
    helper, _ = await helper_at_booking_screen(db, clock)
    await helper.press("Je réserve pour quelqu'un")
    await helper.say("Josiane")
    await helper.say("06 12")
    assert "Ce numéro ne marche pas." in helper.text
    assert await seats(db) == []
    await helper.say("06 12 34 56 78")
    assert "C'est réservé pour Josiane !" in helper.text


async def test_writing_menu_instead_of_a_name_goes_back(db: Database, clock: FixedClock) -> None:
    helper, _ = await helper_at_booking_screen(db, clock)
    await helper.press("Je réserve pour quelqu'un")
    await helper.say("menu")
    assert "Quel est son prénom" not in helper.text
    # A word written later on another screen is not taken for a first name.
    await helper.say("Josiane")
    assert "numéro de portable" not in helper.text
    assert await seats(db) == []


async def test_a_forged_no_number_choice_books_nothing(db: Database, clock: FixedClock) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    await helper.pick(f"bon:{session_id}")
    assert "Ce bouton ne marche plus." in helper.text
    async with db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Booking))).scalar() == 0


async def test_annuler_names_whose_seat_each_button_cancels(
    db: Database, clock: FixedClock
) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    await book_for(helper, "Josiane", None)
    await helper.pick(f"by:{session_id}")
    await helper.say("annuler")
    labels = [c.label for c in helper.last[-1].flat_choices()]
    assert any(label.endswith("· pour Josiane") for label in labels)
    assert sum("Prendre en main" in label for label in labels) == 2
    await helper.press("pour Josiane")
    await helper.say("oui")
    assert await seats(db) == [
        ("Josiane", "guest", "cancelled", "Karim"),
        ("Karim", "test", "booked", None),
    ]


async def test_by_sms_the_helper_answers_with_numbers(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=4)
    flows = Conversations(db, make_settings(db.url), clock)
    helper = Chat(flows, "+33698765432", name="", channel="sms")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    await helper.say("Josiane")
    assert "Quel est le numéro de portable de Josiane ?" in helper.text
    await helper.say("1")  # the first choice: "Pas de numéro"
    assert "C'est réservé pour Josiane !" in helper.text
    assert await seats(db) == [("Josiane", "guest", "booked", "")]

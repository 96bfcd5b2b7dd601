"""Booking for someone else: a first name and maybe a mobile number; the booker sees and
can cancel those seats, the person can cancel by SMS; never two seats for one person."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from bot.runtime import Runtime
from core.clock import FixedClock
from core.seats.organiser import InvalidInput, register_walk_in
from core.seats.people import find_or_add_person
from core.seats.reminders import ReminderRule
from handlers.machinery.turns import Conversations
from models import Booking, Database, OutboxMessage, Person, WorkshopSession
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings

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
        query = (
            select(Person.external_id, OutboxMessage.kind)
            .join(OutboxMessage, OutboxMessage.person_id == Person.id)
            .order_by(OutboxMessage.kind)
        )
        # Who booked for her (at once), and her reminder.
        assert list(await session.execute(query)) == [
            (NUMBER, "booked_for_you"),
            (NUMBER, "reminder"),
        ]
    # The helper may book one seat for themself too, but not a second one for Josiane.
    await helper.pick(f"by:{session_id}")
    assert "C'est réservé" in helper.text
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Josiane", "0612345678")
    assert "C'est réservé pour Josiane !" in helper.text  # the same answer, nothing more
    assert await seats_taken(db, session_id) == 2


@pytest.mark.parametrize("name", ["Ana", "Manon", "Noah", "Jade"])
async def test_a_first_name_that_looks_like_a_word_is_taken_as_the_name(
    db: Database, clock: FixedClock, name: str
) -> None:
    # "Manon" and "Noah" hold a no, "Ana" is "me" in darija, "Jade" a guess of help
    helper, _ = await helper_at_booking_screen(db, clock)
    await book_for(helper, name, None)
    assert f"C'est réservé pour {name} !" in helper.text


async def test_a_sure_request_still_leaves_the_name_question(
    db: Database, clock: FixedClock
) -> None:
    helper, _ = await helper_at_booking_screen(db, clock)
    await helper.press("Je réserve pour quelqu'un")
    await helper.say("mes inscriptions")
    assert "Quel est le numéro de portable" not in helper.text


async def test_a_stop_on_the_name_question_stops(db: Database, clock: FixedClock) -> None:
    helper, _ = await helper_at_booking_screen(db, clock)
    await helper.press("Je réserve pour quelqu'un")
    await helper.say("arrêtez de m'envoyer des messages")
    assert "Quel est le numéro de portable" not in helper.text
    assert "START" in helper.text


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


# One person cannot take every seat (issue 22, 1).


async def test_a_helper_books_two_seats_a_session_then_is_sent_to_the_team(
    db: Database, clock: FixedClock
) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    for name in ("Josiane", "Paul"):
        await book_for(helper, name, None)
        assert f"C'est réservé pour {name} !" in helper.text
        await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    assert "Vous avez déjà réservé des places pour d'autres personnes." in helper.text
    assert "demandez à l'équipe de l'atelier" in helper.text
    assert "Quel est son prénom" not in helper.text
    # A forged answer to an old question books nothing either.
    await helper.pick(f"bo:{session_id}")
    assert await seats_taken(db, session_id) == 2
    # Their own seat is not limited.
    await helper.pick(f"by:{session_id}")
    assert "C'est réservé !" in helper.text
    assert await seats_taken(db, session_id) == 3


async def test_four_seats_for_others_in_all_sessions_to_come(
    db: Database, clock: FixedClock
) -> None:
    sessions = [
        await add_session(db, capacity=40, starts_at=NOW + timedelta(days=day)) for day in (2, 3, 4)
    ]
    helper = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Karim")
    await helper.say("bonjour")
    names = iter(["Ana", "Bea", "Lucie", "Dora", "Eva"])
    for session_id in sessions[:2]:
        for _ in range(2):
            await helper.pick(f"s:{session_id}")
            await book_for(helper, next(names), None)
            assert "C'est réservé pour" in helper.text
    await helper.pick(f"s:{sessions[2]}")
    await helper.press("Je réserve pour quelqu'un")
    assert "demandez à l'équipe de l'atelier" in helper.text
    assert [await seats_taken(db, s) for s in sessions] == [2, 2, 0]


async def test_bookings_for_others_are_limited_per_day_even_when_cancelled(
    db: Database, clock: FixedClock
) -> None:
    """Book, cancel, book again: six a day, so no loop can text a number again and again."""
    session_id = await add_session(db, capacity=40)
    helper = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Karim")
    await helper.say("bonjour")
    for _ in range(6):
        await helper.pick(f"s:{session_id}")
        await book_for(helper, "Josiane", None)
        assert "C'est réservé pour Josiane !" in helper.text
        await helper.say("annuler")
        await helper.say("oui")
        assert "C'est annulé" in helper.text
    await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    assert "demandez à l'équipe de l'atelier" in helper.text
    clock.advance(timedelta(hours=24, minutes=1))
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Josiane", None)
    assert "C'est réservé pour Josiane !" in helper.text


async def test_the_caps_are_settings(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=40)
    settings = make_settings(db.url, for_others_per_session=3, for_others_upcoming=3)
    helper = Chat(Conversations(db, settings, clock), "1", name="Karim")
    await helper.say("bonjour")
    for name in ("Ana", "Bea", "Lucie"):
        await helper.pick(f"s:{session_id}")
        await book_for(helper, name, None)
    await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    assert "demandez à l'équipe de l'atelier" in helper.text
    assert await seats_taken(db, session_id) == 3


async def race_for_the_last_seat_for_others(
    db: Database, monkeypatch: pytest.MonkeyPatch, names: tuple[str, str]
) -> list[bool]:
    """Two requests of one booker at once, each in its own transaction, both past the
    first look before either books (made certain by waiting for one another)."""
    import core.seats.for_others as for_others

    session_id = await add_session(db, capacity=40)
    rule = ReminderRule(ZoneInfo("Europe/Paris"), time(10))
    async with db.transaction() as session:
        booker = await find_or_add_person(session, "telegram", "42", NOW, "Karim")
    real = for_others.count_for_others
    counted = 0
    everyone = asyncio.Event()

    async def together(*args: Any) -> int:
        nonlocal counted
        found = await real(*args)
        counted += 1
        if counted >= 2 * 3:  # both requests made their three counts
            everyone.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everyone.wait(), timeout=1)
        return found

    monkeypatch.setattr(for_others, "count_for_others", together)
    limits = for_others.ForOthersLimits(per_session=1)

    async def attempt(name: str) -> bool:
        try:
            async with db.transaction() as session:
                who = await session.get(Person, booker.id)
                assert who is not None
                await for_others.book_for_other(
                    session, who, session_id, name, "", NOW, rule, limits
                )
        except for_others.TooManyForOthers:
            return False
        return True

    return list(await asyncio.gather(*(attempt(name) for name in names)))


async def test_two_requests_at_once_cannot_both_pass_the_cap(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sorted(await race_for_the_last_seat_for_others(db, monkeypatch, ("A", "B"))) == [
        False,
        True,
    ]
    async with db.transaction() as session:
        count = select(func.count()).select_from(Booking).where(Booking.status == "booked")
        assert (await session.execute(count)).scalar_one() == 1


# Only mobile numbers of the allowed regions get texts (issue 22, 2).

NOT_TEXTABLE = [
    "08 99 12 34 56",  # premium rate
    "+33 8 84 01 23 45",  # shared cost
    "+882 342 1234",  # international networks
    "+881 6 1234 5678",  # satellite
    "01 23 45 67 89",  # a fixed line
    "09 12 34 56 78",  # internet telephony
    "+44 7400 123456",  # a mobile, but far from here
    "+262 692 12 34 56",  # Réunion: not in the default regions
]


@pytest.mark.parametrize("number", NOT_TEXTABLE)
async def test_a_number_that_is_not_a_mobile_here_is_refused_kindly(
    db: Database, clock: FixedClock, number: str
) -> None:
    helper, _ = await helper_at_booking_screen(db, clock)
    await book_for(helper, "Josiane", number)
    assert "Je ne peux pas envoyer de SMS à ce numéro." in helper.text
    assert "par exemple 06 12 34 56 78" in helper.text
    assert await seats(db) == []
    async with db.transaction() as session:
        assert (await session.execute(select(func.count(OutboxMessage.id)))).scalar_one() == 0
        people = select(func.count()).select_from(Person).where(Person.channel == "sms")
        assert (await session.execute(people)).scalar_one() == 0
    # Asked again: a mobile number, or none.
    await helper.press("Pas de numéro")
    assert "C'est réservé pour Josiane !" in helper.text


async def test_the_allowed_regions_are_a_setting(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=4)
    settings = make_settings(db.url, sms_allowed_regions="FR, GB")
    helper = Chat(Conversations(db, settings, clock), "1", name="Karim")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Josiane", "+44 7400 123456")
    assert "C'est réservé pour Josiane !" in helper.text
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Paul", "+44 20 7946 0000")  # a London fixed line
    assert "Je ne peux pas envoyer de SMS à ce numéro." in helper.text


@pytest.mark.parametrize("number", ["08 99 12 34 56", "+882 342 1234", "+44 7400 123456"])
async def test_a_walk_in_number_follows_the_same_rule(db: Database, number: str) -> None:
    session_id = await add_session(db)
    rule = ReminderRule(ZoneInfo("Europe/Paris"), time(10))
    async with db.transaction() as session:
        with pytest.raises(InvalidInput) as refused:
            await register_walk_in(session, session_id, "Josiane", number, NOW, rule=rule)
    assert refused.value.key == "dashboard.flash.walk_in_not_mobile"
    async with db.transaction() as session:
        seat = await register_walk_in(
            session, session_id, "Josiane", "06 12 34 56 78", NOW, rule=rule
        )
        assert seat.status == "booked"


# Whether a number holds a seat stays private; its owner can refuse (issue 22, 3).


async def test_the_same_answer_whether_or_not_the_number_holds_a_seat(
    db: Database, clock: FixedClock
) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    josiane = Chat(helper.conversations, NUMBER, name="", channel="sms")
    await josiane.say("bonjour")
    await josiane.pick(f"by:{session_id}")  # she booked herself
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Josiane", "06 12 34 56 78")
    holds = helper.text
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Josiane", "06 98 76 54 32")  # a number without a seat
    fresh = helper.text
    assert holds == fresh
    assert "déjà" not in holds
    assert await seats_taken(db, session_id) == 2  # hers and the new one: no second for her
    async with db.transaction() as session:
        kinds = select(OutboxMessage.kind).join(Person, Person.id == OutboxMessage.person_id)
        hers = kinds.where(Person.external_id == NUMBER)
        assert "booked_for_you" not in list((await session.execute(hers)).scalars())


async def test_non_to_the_first_text_cancels_the_seat_and_every_text(
    db: Database, clock: FixedClock
) -> None:
    helper, session_id = await helper_at_booking_screen(db, clock)
    await book_for(helper, "Josiane", "06 12 34 56 78")
    josiane = Chat(helper.conversations, NUMBER, name="", channel="sms")
    notice = await first_text(helper.conversations, NUMBER)
    assert "Karim vous a réservé une place à un atelier." in notice
    assert "Répondez NON" in notice
    await josiane.say("NON")
    assert "la place réservée pour vous est annulée" in josiane.text
    assert await seats(db) == [("Josiane", "sms", "cancelled", "Karim")]
    assert await seats_taken(db, session_id) == 0
    async with db.transaction() as session:
        person = (
            await session.execute(select(Person).where(Person.external_id == NUMBER))
        ).scalar_one()
        assert person.opted_out


async def test_stop_cancels_the_seats_booked_for_the_person_and_passes_them_on(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=1)
    flows = Conversations(db, make_settings(db.url), clock)
    helper = Chat(flows, "1", name="Karim")
    paul = Chat(flows, "2", name="Paul")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    await book_for(helper, "Josiane", "06 12 34 56 78")
    await paul.say("bonjour")
    await paul.pick(f"s:{session_id}")
    await paul.press("liste d'attente")
    josiane = Chat(flows, NUMBER, name="", channel="sms")
    await josiane.say("STOP")
    assert "la place réservée pour vous est annulée" in josiane.text
    assert [status for _, _, status, _ in await seats(db)] == ["cancelled", "waiting"]
    async with db.transaction() as session:
        offered = select(OutboxMessage.kind).join(Person, Person.id == OutboxMessage.person_id)
        assert "waitlist_offer" in list(
            (await session.execute(offered.where(Person.name == "Paul"))).scalars()
        )


async def first_text(conversations: Conversations, number: str) -> str:
    """The first queued notice to ``number``, rendered as the outbox sender renders it and
    its choices remembered (so a written answer picks one)."""
    from handlers.renderers.notice_texts import remember_notice, render_notice

    async with conversations.db.transaction() as session:
        person = (
            await session.execute(select(Person).where(Person.external_id == number))
        ).scalar_one()
        row = (
            await session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.person_id == person.id)
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
                .limit(1)
            )
        ).scalar_one()
        reply = await render_notice(session, row, person, conversations.settings, NOW)
        assert reply is not None
        await remember_notice(session, row, person, reply, NOW)
        return reply.text


async def test_by_sms_the_person_learns_who_booked_and_non_ends_it_all(
    database_url: str, clock: FixedClock
) -> None:
    """Real webhooks in, a loopback Twilio out: the first text names the booker, "NON"
    cancels the seat (the next in line is offered it) and nothing is texted after."""
    from tests.bot.channels.test_sms import (
        DUE,
        MARIE,
        SID,
        TOKEN,
        SmsBot,
        assert_sendable,
        sms_settings,
    )
    from tests.support.sms_providers import FakeTwilio

    async with FakeTwilio(SID, TOKEN) as twilio:
        settings = make_settings(
            database_url, **sms_settings(database_url, "twilio", twilio.base_url)
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            async with httpx.AsyncClient() as client:
                phone = SmsBot(runtime, client, "twilio")
                session_id = await add_session(runtime.db, capacity=1)
                flows = runtime.services.conversations
                helper, paul = Chat(flows, "1", name="Karim 🌟 www.x.fr"), Chat(flows, "2")
                await helper.say("bonjour")
                await helper.pick(f"s:{session_id}")
                await book_for(helper, "Josiane", "06 12 34 56 78")
                await paul.say("bonjour")
                await paul.pick(f"s:{session_id}")
                await paul.press("liste d'attente")
                runtime.engine.wake()
                [first] = await twilio.wait_for(MARIE, 1)
                assert first.startswith("Karim vous a réservé une place")
                assert "www" not in first  # only a first name of the booker's
                assert "Répondez NON pour l'annuler et ne plus recevoir de SMS." in first
                assert_sendable(first)
                answer = await phone.text(MARIE, "NON", twilio)
                assert "la place réservée pour vous est annulée" in answer
                assert [status for _, _, status, _ in await seats(runtime.db)] == [
                    "cancelled",
                    "waiting",
                ]
                sent = len(twilio.to(MARIE))
                clock.set(DUE)  # the reminder would fall due
                runtime.engine.wake()
                await asyncio.sleep(0.5)
                await runtime.engine.send_due()
                assert len(twilio.to(MARIE)) == sent
        finally:
            await runtime.stop()


@pytest.mark.parametrize(("number", "sent"), [("+33899123456", False), (NUMBER, True)])
async def test_seats_booked_for_bad_numbers_before_the_fix_text_nothing(
    db: Database, number: str, sent: bool
) -> None:
    """Seats already booked for a premium-rate number (as the old code let anyone do): their
    reminders and notices are dropped when they fall due; a mobile's still go."""
    from core.seats.booking import book_seat
    from handlers.renderers.notice_texts import render_notice

    session_id = await add_session(db)
    settings = make_settings(db.url)
    async with db.transaction() as session:
        helper = await find_or_add_person(session, "telegram", "42", NOW, "Karim")
        held = await find_or_add_person(session, "sms", number, NOW, "Josiane")
        await book_seat(session, held, session_id, NOW, ReminderRule.of(settings), booked_by=helper)
    async with db.transaction() as session:
        rows = list(
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.person_id == held.id)
                )
            ).scalars()
        )
        assert rows  # the reminders were queued
        person = await session.get(Person, held.id)
        assert person is not None
        for row in rows:
            reply = await render_notice(session, row, person, settings, row.due_at)
            assert (reply is not None) == sent

"""The booking services finish their own work: reminders and offers queued with the change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from core.clock import FixedClock
from core.errors import BookingNotActive
from core.seats.organiser import SEAT_CANCELLED, cancel_seat, register_walk_in
from core.seats.privacy import erase_person
from core.seats.reminders import ReminderRule
from handlers.machinery.turns import Conversations
from models import Booking, Database, OutboxMessage, Person
from tests.core.seats.test_reminders import Inbox, sender_for
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings


async def outbox(db: Database) -> list[tuple[str, int]]:
    """Every queued row's kind and person, in order."""
    async with db.transaction() as session:
        rows = await session.execute(
            select(OutboxMessage.kind, OutboxMessage.person_id).order_by(OutboxMessage.id)
        )
        return [(kind, person_id) for kind, person_id in rows]


async def test_a_walk_in_with_a_phone_has_its_reminder_queued_at_once(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    settings = make_settings(db.url)
    async with db.transaction() as session:
        booking = await register_walk_in(
            session, session_id, "Josiane", "06 12 34 56 78", NOW, rule=ReminderRule.of(settings)
        )
        walk_in = booking.person_id
    assert await outbox(db) == [("reminder", walk_in)]


async def line_of_two(db: Database, clock: FixedClock) -> tuple[Chat, Chat, int]:
    """Marie holds the only seat; Ali waits."""
    session_id = await add_session(db, capacity=1)
    flows = Conversations(db, make_settings(db.url), clock)
    marie, ali = Chat(flows, "1"), Chat(flows, "2", name="Ali")
    for chat in (marie, ali):
        await chat.say("bonjour")
    await marie.pick(f"by:{session_id}")
    await ali.pick(f"w:{session_id}")
    return marie, ali, session_id


async def people(db: Database) -> dict[str, int]:
    async with db.transaction() as session:
        rows = await session.execute(select(Person.external_id, Person.id))
        return {external_id: person_id for external_id, person_id in rows}


async def offers(db: Database) -> list[int]:
    """Who was offered a freed seat."""
    return [person for kind, person in await outbox(db) if kind == "waitlist_offer"]


async def test_a_cancel_in_the_chat_queues_the_offer(db: Database, clock: FixedClock) -> None:
    marie, _, _ = await line_of_two(db, clock)
    await marie.say("annuler")
    await marie.say("oui")
    assert await offers(db) == [(await people(db))["2"]]


async def test_an_organiser_cancel_queues_the_offer_and_the_holders_notice_once(
    db: Database, clock: FixedClock
) -> None:
    await line_of_two(db, clock)
    async with db.transaction() as session:
        booking = (
            await session.execute(select(Booking).where(Booking.status == "booked"))
        ).scalar_one()
        await cancel_seat(session, booking.id, clock.now(), 60)
    ids = await people(db)
    assert await offers(db) == [ids["2"]]
    with pytest.raises(BookingNotActive):  # a second press, on the dashboard or Telegram
        async with db.transaction() as session:
            await cancel_seat(session, booking.id, clock.now(), 60)
    notices = [person for kind, person in await outbox(db) if kind == SEAT_CANCELLED]
    assert notices == [ids["1"]]
    assert await offers(db) == [ids["2"]]


async def test_the_holder_is_told_in_their_language_with_the_cancel_file(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    flows = Conversations(db, make_settings(db.url), clock)
    marie, ali = Chat(flows, "1"), Chat(flows, "2", name="Ali", language="en")
    for chat in (marie, ali):
        await chat.say("bonjour")
    [booked] = await marie.pick(f"by:{session_id}")
    await ali.pick(f"by:{session_id}")
    assert booked.attachment is not None
    async with db.transaction() as session:
        for booking in (await session.execute(select(Booking))).scalars():
            await cancel_seat(session, booking.id, clock.now(), 60)
    inbox = Inbox()
    await sender_for(db, clock, inbox).run_once()
    told = dict(inbox.received)
    assert told["1"].text.startswith("L'équipe de l'atelier a annulé votre place.")
    assert told["2"].text.startswith("The workshop team cancelled your seat.")
    attachment = told["1"].attachment
    assert attachment is not None
    calendar = Calendar.from_ical(attachment.content)
    [event] = calendar.events
    [booked_event] = Calendar.from_ical(booked.attachment.content).events
    assert str(calendar["METHOD"]) == "CANCEL"
    assert event["UID"] == booked_event["UID"]
    assert event["SEQUENCE"] > booked_event["SEQUENCE"]


async def test_the_booker_of_a_guests_seat_is_told_without_a_file(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    marie = Chat(Conversations(db, make_settings(db.url), clock), "1")
    await marie.say("bonjour")
    await marie.pick(f"bo:{session_id}")
    await marie.say("Josiane")
    await marie.pick(f"bon:{session_id}")
    async with db.transaction() as session:
        booking = (await session.execute(select(Booking))).scalar_one()
        await cancel_seat(session, booking.id, clock.now(), 60)
    inbox = Inbox()
    await sender_for(db, clock, inbox).run_once()
    [(to, reply)] = inbox.received
    assert to == "1"
    assert reply.text.startswith("L'équipe de l'atelier a annulé la place de Josiane.")
    assert reply.attachment is None  # her seat never came with a file


async def test_erasing_a_person_queues_the_offer_of_their_seat(
    db: Database, clock: FixedClock
) -> None:
    await line_of_two(db, clock)
    ids = await people(db)
    async with db.transaction() as session:
        marie = await session.get(Person, ids["1"])
        assert marie is not None
        assert await erase_person(session, marie, clock.now(), 60) == 1
    assert await offers(db) == [ids["2"]]


async def test_an_accepted_offer_queues_its_reminder(db: Database, clock: FixedClock) -> None:
    marie, ali, _ = await line_of_two(db, clock)
    await marie.say("annuler")
    await marie.say("oui")
    async with db.transaction() as session:
        held = (
            await session.execute(select(Booking).where(Booking.status == "waiting"))
        ).scalar_one()
    clock.advance(timedelta(minutes=5))
    await ali.pick(f"oa:{held.id}")
    assert "C'est réservé" in ali.text
    ali_id = (await people(db))["2"]
    assert ("reminder", ali_id) in await outbox(db)


async def test_rendering_a_notice_only_reads_and_the_sender_remembers_its_choices(
    db: Database, clock: FixedClock
) -> None:
    from core.delivery.sender import OutboxSender
    from handlers.renderers.notice_texts import remember_notice, render_notice
    from models import Conversation

    session_id = await add_session(db, capacity=1)
    settings = make_settings(db.url)
    flows = Conversations(db, settings, clock)
    marie, ali = Chat(flows, "1"), Chat(flows, "+33612345678", name="Ali", channel="sms")
    for chat in (marie, ali):
        await chat.say("bonjour")
    await marie.pick(f"by:{session_id}")
    await ali.pick(f"w:{session_id}")
    await marie.say("annuler")
    await marie.say("oui")

    async def ali_state() -> dict[str, object]:
        async with db.transaction() as session:
            person = (
                await session.execute(select(Person).where(Person.channel == "sms"))
            ).scalar_one()
            conversation = (
                await session.execute(
                    select(Conversation).where(Conversation.person_id == person.id)
                )
            ).scalar_one()
            return dict(conversation.state)

    before = await ali_state()
    async with db.transaction() as session:
        row = (
            await session.execute(
                select(OutboxMessage).where(OutboxMessage.kind == "waitlist_offer")
            )
        ).scalar_one()
        person = await session.get(Person, row.person_id)
        assert person is not None
        reply = await render_notice(session, row, person, settings, clock.now())
        assert reply is not None
        assert reply.choices
    assert await ali_state() == before  # rendering wrote nothing
    sent: list[str] = []

    async def deliver(person: Person, reply: object) -> None:
        sent.append(person.external_id)

    sender = OutboxSender(
        db,
        clock,
        lambda session, row, person, now: render_notice(session, row, person, settings, now),
        {"sms": deliver, "test": deliver},
        remember=remember_notice,
    )
    await sender.run_once()
    assert sent == ["+33612345678"]
    await ali.say("1")  # the offer's first choice: take the seat
    assert "C'est réservé" in ali.text

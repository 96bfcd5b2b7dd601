"""Reminders the day before: queued with the booking, sent once when due, never when moot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.runtime import Services
from core.clock import FixedClock
from core.delivery.sender import OutboxSender
from core.dialog import Reply
from core.seats.reminders import REMINDER, plan_reminders, reminder_due
from handlers.machinery.turns import Conversations
from handlers.renderers.notice_texts import remember_notice, render_notice
from models import Booking, Database, OutboxMessage, Person, WorkshopSession
from tests.handlers.test_step_statements import statements
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings

# Sessions start Wednesday 6 January 2027 at 14 h in Metz: the reminder is due
# Tuesday 5 January at 10 h in Metz, 9 h UTC.
DUE = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


class Inbox:
    """A channel that records what it delivers."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Reply]] = []

    async def deliver(self, person: Person, reply: Reply) -> None:
        self.received.append((person.external_id, reply))


def sender_for(db: Database, clock: FixedClock, inbox: Inbox) -> OutboxSender:
    settings = make_settings(db.url)
    return OutboxSender(
        db,
        clock,
        lambda session, row, person, now: render_notice(session, row, person, settings, now),
        {"test": inbox.deliver},
        remember=remember_notice,
    )


async def booked_chat(db: Database, clock: FixedClock, who: str = "1") -> tuple[Chat, int]:
    session_id = await add_session(db)
    chat = Chat(Conversations(db, make_settings(db.url), clock), who)
    await chat.say("bonjour")
    await chat.pick(f"by:{session_id}")
    assert "C'est réservé" in chat.text
    return chat, session_id


def test_due_time_is_the_day_before_in_local_time() -> None:
    from datetime import time
    from zoneinfo import ZoneInfo

    start = datetime(2027, 1, 6, 13, 0, tzinfo=UTC)
    assert reminder_due(start, ZoneInfo("Europe/Paris"), time(10, 0)) == DUE
    summer = datetime(2027, 7, 6, 12, 0, tzinfo=UTC)
    assert reminder_due(summer, ZoneInfo("Europe/Paris"), time(10, 0)).hour == 8


async def test_sent_once_when_due(db: Database, clock: FixedClock) -> None:
    await booked_chat(db, clock)
    inbox = Inbox()
    sender = sender_for(db, clock, inbox)
    clock.set(DUE - timedelta(minutes=1))
    await sender.run_once()
    assert inbox.received == []
    clock.set(DUE)
    await sender.run_once()
    await sender.run_once()
    # A second sender, as after a restart, finds nothing more to send.
    second = Database(db.url)
    try:
        await sender_for(second, clock, inbox).run_once()
    finally:
        await second.dispose()
    assert len(inbox.received) == 1
    reply = inbox.received[0][1]
    assert "votre atelier, c'est demain" in reply.text
    assert "mercredi 6 janvier à 14 h" in reply.text
    assert [c.label for c in reply.flat_choices()] == ["✅ Je serai là", "❌ Annuler ma place"]


async def test_due_while_stopped_is_sent_on_return(db: Database, clock: FixedClock) -> None:
    await booked_chat(db, clock)
    inbox = Inbox()
    clock.set(DUE + timedelta(hours=3))  # the bot was down at 10 h
    await sender_for(db, clock, inbox).run_once()
    assert len(inbox.received) == 1


async def test_none_once_the_session_started(db: Database, clock: FixedClock) -> None:
    await booked_chat(db, clock)
    inbox = Inbox()
    clock.set(datetime(2027, 1, 6, 13, 30, tzinfo=UTC))
    await sender_for(db, clock, inbox).run_once()
    assert inbox.received == []


async def test_none_for_a_booking_made_after_the_reminder_time(
    db: Database, clock: FixedClock
) -> None:
    clock.set(DUE + timedelta(hours=1))
    await booked_chat(db, clock)
    async with db.transaction() as session:
        assert list((await session.execute(select(OutboxMessage))).scalars()) == []


async def test_cancelled_after_queueing_is_not_sent(db: Database, clock: FixedClock) -> None:
    chat, _ = await booked_chat(db, clock)
    await chat.say("annuler")
    await chat.say("oui")
    inbox = Inbox()
    clock.set(DUE)
    await sender_for(db, clock, inbox).run_once()
    assert inbox.received == []


async def test_ill_be_there_is_recorded(db: Database, clock: FixedClock) -> None:
    chat, _ = await booked_chat(db, clock)
    inbox = Inbox()
    clock.set(DUE)
    await sender_for(db, clock, inbox).run_once()
    chat.last = [inbox.received[0][1]]
    await chat.press("Je serai là")
    assert "C'est noté" in chat.text
    async with db.transaction() as session:
        booking = (await session.execute(select(Booking))).scalar_one()
    assert booking.confirmed_at == DUE
    # Somebody else's "I'll be there" is refused.
    stranger = Chat(chat.conversations, "2")
    await stranger.say("bonjour")
    await stranger.pick(f"here:{booking.id}")
    assert "Je ne trouve pas cette inscription" in stranger.text


async def test_the_reminder_says_what_to_bring(db: Database, clock: FixedClock) -> None:
    _, session_id = await booked_chat(db, clock)
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.bring = "votre téléphone, chargé, et son code"
    inbox = Inbox()
    clock.set(DUE)
    await sender_for(db, clock, inbox).run_once()
    [(_, reply)] = inbox.received
    assert "À apporter : votre téléphone, chargé, et son code." in reply.text


async def test_what_to_bring_written_as_a_sentence_ends_with_one_full_stop(
    db: Database, clock: FixedClock
) -> None:
    _, session_id = await booked_chat(db, clock)
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.bring = "Votre téléphone, chargé. "
        workshop.access = "Entrée par la rue Serpenoise."
    inbox = Inbox()
    clock.set(DUE)
    await sender_for(db, clock, inbox).run_once()
    [(_, reminder)] = inbox.received
    assert "À apporter : Votre téléphone, chargé." in reminder.text
    assert ".." not in reminder.text


async def plan(db: Database, clock: FixedClock, at: str) -> int:
    settings = make_settings(db.url, reminder_time=at)
    async with db.transaction() as session:
        return await plan_reminders(
            session, clock.now(), zone=settings.zone, at=settings.reminder_time
        )


async def test_a_reminder_time_set_after_booking_still_holds(
    db: Database, clock: FixedClock
) -> None:
    # Tuesday 11:30 in Metz: booked after the 10 h reminder time, so none is queued.
    clock.set(datetime(2027, 1, 5, 10, 30, tzinfo=UTC))
    await booked_chat(db, clock)
    assert await plan(db, clock, "10:00") == 0
    # The organiser sets REMINDER_TIME a minute ahead and restarts: the reminder is planned.
    assert await plan(db, clock, "11:31") == 1
    assert await plan(db, clock, "11:31") == 0
    inbox = Inbox()
    await sender_for(db, clock, inbox).run_once()
    assert inbox.received == []
    clock.advance(timedelta(minutes=1))
    await sender_for(db, clock, inbox).run_once()
    assert len(inbox.received) == 1
    # Planned again after it went out (a restart): nothing new.
    assert await plan(db, clock, "11:31") == 0
    await sender_for(db, clock, inbox).run_once()
    assert len(inbox.received) == 1


async def test_a_queued_reminder_moves_with_the_reminder_time(
    db: Database, clock: FixedClock
) -> None:
    await booked_chat(db, clock)
    clock.advance(timedelta(hours=5))  # planning looks two days ahead
    assert await plan(db, clock, "18:00") == 0  # already queued at booking time, for 10 h
    async with db.transaction() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert row.due_at == datetime(2027, 1, 5, 17, 0, tzinfo=UTC)
    inbox = Inbox()
    clock.set(DUE)
    await sender_for(db, clock, inbox).run_once()
    assert inbox.received == []


async def test_planning_many_bookings_again_takes_a_few_statements(
    db: Database, clock: FixedClock
) -> None:
    # A tick plans again every booking changed lately; each statement holds SQLite's write
    # lock, and people's answers wait behind it: the work must not grow a statement a booking.
    session_id = await add_session(db, capacity=40)
    conversations = Conversations(db, make_settings(db.url), clock)
    for person in range(30):
        chat = Chat(conversations, str(person))
        await chat.say("bonjour")
        await chat.pick(f"by:{session_id}")
        assert "C'est réservé" in chat.text
    clock.advance(timedelta(hours=5))  # planning looks two days ahead
    with statements() as planned:
        assert await plan(db, clock, "10:00") == 0  # all queued at booking time
    with statements() as moved:
        assert await plan(db, clock, "18:00") == 0  # each moves to the new time
    assert len(planned) <= 3
    assert len(moved) <= 3
    inbox = Inbox()
    clock.set(DUE)
    await sender_for(db, clock, inbox).run_once()
    assert inbox.received == []
    clock.set(datetime(2027, 1, 5, 17, 0, tzinfo=UTC))
    while await sender_for(db, clock, inbox).run_once():
        pass
    assert sorted(int(who) for who, _ in inbox.received) == list(range(30))


async def test_ticks_between_full_plans_see_new_bookings_and_sessions_coming_closer(
    db: Database, clock: FixedClock
) -> None:
    # Ticks plan everything at start-up and hourly; in between, only what changed.
    day = datetime(2027, 1, 6, 13, 0, tzinfo=UTC)
    soon = await add_session(db, starts_at=day - timedelta(minutes=10))
    later = await add_session(db, title="Envoyer un e-mail", starts_at=day + timedelta(minutes=20))
    clock.set(day - timedelta(days=2) + timedelta(minutes=1))  # only the first is within 2 days
    services = Services(make_settings(db.url), clock)
    try:
        await services.engine.tick()
        assert await reminders(db) == []
        # A walk-in written straight into the roster, and a booking from long ago.
        await book_directly(db, "walk-in", soon, clock.now())
        await book_directly(db, "early", later, clock.now() - timedelta(days=20))
        clock.advance(timedelta(minutes=29))  # the second session comes within two days
        await services.engine.tick()
        assert await reminders(db) == ["early", "walk-in"]
    finally:
        await services.close()


async def book_directly(db: Database, who: str, session_id: int, when: datetime) -> None:
    """A booking made outside the conversation (the roster, the dashboard)."""
    async with db.transaction() as session:
        person = Person(
            channel="test",
            external_id=who,
            name=who,
            language="fr",
            unreachable=False,
            created_at=when,
            last_seen_at=when,
        )
        session.add(person)
        await session.flush()
        session.add(
            Booking(
                person_id=person.id,
                session_id=session_id,
                status="booked",
                created_at=when,
                updated_at=when,
            )
        )


async def reminders(db: Database) -> list[str]:
    """Who has a reminder queued, in alphabetical order."""
    async with db.transaction() as session:
        query = (
            select(Person.external_id)
            .join(OutboxMessage, OutboxMessage.person_id == Person.id)
            .where(OutboxMessage.kind == REMINDER)
        )
        return sorted((await session.execute(query)).scalars())

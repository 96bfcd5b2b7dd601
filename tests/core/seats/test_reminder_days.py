"""Reminders three days and one day before: each once, across restarts, never after the start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.runtime import Services
from core.clock import FixedClock
from core.config import Settings
from core.dialog import Reply
from handlers.machinery.turns import Conversations
from models import Database, OutboxMessage, Person, WorkshopSession
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings

# Monday 11 January 2027 at 14 h in Metz; booked on Thursday 7 January, four days ahead.
START = datetime(2027, 1, 11, 13, 0, tzinfo=UTC)
BOOKED = datetime(2027, 1, 7, 9, 0, tzinfo=UTC)
THREE_DAYS = datetime(2027, 1, 8, 9, 0, tzinfo=UTC)  # Friday 10 h in Metz
DAY_BEFORE = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)  # Sunday 10 h in Metz


class Inbox:
    """A channel that records what it delivers."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Reply]] = []

    async def deliver(self, person: Person, reply: Reply) -> None:
        self.received.append((person.external_id, reply))

    def texts(self) -> list[str]:
        return [reply.text for _, reply in self.received]


class Bots:
    """Running engines on one database (two at once, or one after a restart)."""

    def __init__(self, settings: Settings, clock: FixedClock, inbox: Inbox) -> None:
        self.settings, self.clock, self.inbox = settings, clock, inbox
        self.running: list[Services] = []

    def start(self) -> Services:
        services = Services(self.settings, self.clock)
        services.engine.deliverers["test"] = self.inbox.deliver
        self.running.append(services)
        return services

    async def tick_all(self) -> None:
        for services in self.running:
            await services.engine.tick()
            await services.engine.tick()

    async def stop_all(self) -> None:
        for services in self.running:
            await services.close()
        self.running.clear()


async def book(db: Database, clock: FixedClock, settings: Settings, who: str = "1") -> Chat:
    session_id = await add_session(db, starts_at=START)
    chat = Chat(Conversations(db, settings, clock), who)
    await chat.say("bonjour")
    await chat.pick(f"by:{session_id}")
    assert "C'est réservé" in chat.text
    return chat


async def reminder_rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "reminder")
        return list((await session.execute(query.order_by(OutboxMessage.due_at))).scalars())


async def test_booked_four_days_ahead_gets_two_reminders_once_each_across_restarts(
    db: Database, clock: FixedClock
) -> None:
    settings = make_settings(db.url)
    clock.set(BOOKED)
    await book(db, clock, settings)
    assert [row.due_at for row in await reminder_rows(db)] == [THREE_DAYS, DAY_BEFORE]
    inbox = Inbox()
    bots = Bots(settings, clock, inbox)
    try:
        bots.start()
        bots.start()  # two instances on one database
        for moment, expected in (
            (THREE_DAYS - timedelta(minutes=1), 0),
            (THREE_DAYS, 1),
            (THREE_DAYS + timedelta(hours=2), 1),
            (DAY_BEFORE - timedelta(minutes=1), 1),
            (DAY_BEFORE, 2),
            (START - timedelta(minutes=1), 2),
            (START + timedelta(hours=1), 2),
        ):
            clock.set(moment)
            await bots.tick_all()
            if moment == THREE_DAYS + timedelta(hours=2):  # a restart of both
                await bots.stop_all()
                bots.start()
                await bots.tick_all()
            assert len(inbox.received) == expected, (moment, inbox.texts())
    finally:
        await bots.stop_all()
    first, second = inbox.texts()
    assert "votre atelier, c'est dans 3 jours" in first
    assert "lundi 11 janvier à 14 h" in first
    assert "votre atelier, c'est demain" in second
    for _, reply in inbox.received:
        assert [c.label for c in reply.flat_choices()] == ["✅ Je serai là", "❌ Annuler ma place"]


async def test_booked_two_days_ahead_gets_only_the_day_before(
    db: Database, clock: FixedClock
) -> None:
    settings = make_settings(db.url)
    clock.set(THREE_DAYS + timedelta(minutes=5))
    await book(db, clock, settings)
    assert [row.due_at for row in await reminder_rows(db)] == [DAY_BEFORE]
    inbox = Inbox()
    bots = Bots(settings, clock, inbox)
    try:
        bots.start()
        for moment in (THREE_DAYS + timedelta(hours=1), DAY_BEFORE, START - timedelta(hours=1)):
            clock.set(moment)
            await bots.tick_all()
    finally:
        await bots.stop_all()
    assert len(inbox.received) == 1
    assert "c'est demain" in inbox.texts()[0]


async def test_the_days_come_from_the_setting(db: Database, clock: FixedClock) -> None:
    settings = make_settings(db.url, reminder_days_before="5, 2,1")
    assert settings.reminder_days_before == [5, 2, 1]
    clock.set(BOOKED - timedelta(days=1))
    await book(db, clock, settings)
    rows = await reminder_rows(db)
    assert [(row.due_at, row.payload["days"]) for row in rows] == [
        (DAY_BEFORE - timedelta(days=1), 2),
        (DAY_BEFORE, 1),
    ]  # five days before was Wednesday 6 January, before the booking: none


async def test_none_when_the_bot_was_down_until_the_start(db: Database, clock: FixedClock) -> None:
    settings = make_settings(db.url)
    clock.set(BOOKED)
    await book(db, clock, settings)
    inbox = Inbox()
    bots = Bots(settings, clock, inbox)
    clock.set(START + timedelta(minutes=1))
    try:
        bots.start()
        await bots.tick_all()
    finally:
        await bots.stop_all()
    assert inbox.received == []


async def test_a_late_early_reminder_gives_way_to_the_day_before(
    db: Database, clock: FixedClock
) -> None:
    settings = make_settings(db.url)
    clock.set(BOOKED)
    await book(db, clock, settings)
    inbox = Inbox()
    bots = Bots(settings, clock, inbox)
    try:
        bots.start()
        clock.set(THREE_DAYS + timedelta(hours=13))  # down on Friday morning, back at night
        await bots.tick_all()
        assert inbox.received == []
        clock.set(DAY_BEFORE + timedelta(hours=1))
        await bots.tick_all()
    finally:
        await bots.stop_all()
    assert len(inbox.received) == 1
    assert "c'est demain" in inbox.texts()[0]


async def test_the_reminder_says_how_to_find_the_place(db: Database, clock: FixedClock) -> None:
    settings = make_settings(db.url)
    clock.set(BOOKED)
    await book(db, clock, settings)
    async with db.transaction() as session:
        workshop = (await session.execute(select(WorkshopSession))).scalar_one()
        workshop.bring = "votre téléphone chargé"
        workshop.access = "à l'accueil, demandez l'atelier numérique"
    inbox = Inbox()
    bots = Bots(settings, clock, inbox)
    try:
        bots.start()
        clock.set(DAY_BEFORE)
        await bots.tick_all()
    finally:
        await bots.stop_all()
    [text] = inbox.texts()
    assert "À apporter : votre téléphone chargé." in text
    assert "Pour nous trouver : à l'accueil, demandez l'atelier numérique." in text


async def test_cancel_my_seat_in_the_reminder_offers_it_to_the_line_at_once(
    db: Database, clock: FixedClock
) -> None:
    settings = make_settings(db.url, reminder_days_before="1")
    clock.set(BOOKED)
    session_id = await add_session(db, starts_at=START, capacity=1)
    flows = Conversations(db, settings, clock)
    marie, ali = Chat(flows, "1"), Chat(flows, "2", name="Ali")
    for chat in (marie, ali):
        await chat.say("bonjour")
    await marie.pick(f"by:{session_id}")
    await ali.pick(f"w:{session_id}")
    inbox = Inbox()
    bots = Bots(settings, clock, inbox)
    try:
        bots.start()
        clock.set(DAY_BEFORE)
        await bots.tick_all()
        [(who, reminder)] = inbox.received
        assert who == "1"
        marie.last = [reminder]
        await marie.press("Annuler ma place")
        await marie.say("oui")
        assert "annulé" in marie.text.casefold()
        async with db.transaction() as session:
            kinds = (await session.execute(select(OutboxMessage.kind))).scalars()
            assert "waitlist_offer" in list(kinds)  # queued with the cancellation
        await bots.tick_all()
    finally:
        await bots.stop_all()
    assert [who for who, _ in inbox.received] == ["1", "2"]
    assert "une place s'est libérée" in inbox.texts()[1]


def test_a_bad_list_of_days_is_refused_with_a_clear_reason() -> None:
    import pytest
    from pydantic import ValidationError

    for bad in ("0,1", "3,-1", ",", "demain"):
        with pytest.raises(ValidationError, match="REMINDER_DAYS_BEFORE"):
            make_settings("sqlite://", reminder_days_before=bad)
    assert make_settings("sqlite://", reminder_days_before="1,3,3").reminder_days_before == [3, 1]
    assert make_settings("sqlite://", reminder_days_before=" ").reminder_days_before == [3, 1]

"""Privacy: a short notice, erasure on request after a yes, retention, quiet logs."""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime, Services
from core.clock import FixedClock
from core.seats.roster import roster_rows
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Conversation, Database, OutboxMessage, Person
from tests.bot.channels.test_sms import MARIE, SID, TOKEN, SmsBot, settled, sms_settings
from tests.core.seats.test_erasure_traces import everything_stored
from tests.handlers.test_booking_for_others import book_for
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings
from tests.support.sms_providers import FakeTwilio


async def people(db: Database) -> list[Person]:
    async with db.transaction() as session:
        return list((await session.execute(select(Person).order_by(Person.id))).scalars())


async def rows(db: Database, model: type[OutboxMessage] | type[Conversation]) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_welcome_leads_to_a_short_privacy_notice(db: Database, clock: FixedClock) -> None:
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1")
    await chat.say("bonjour")
    assert "écrivez « mes données »" in chat.text
    await chat.say("mes données")
    for fact in ("Je garde votre prénom", "garder votre place", "Seuls les animateurs", "24 mois"):
        assert fact in chat.text
    assert next(c.label for r in chat.last for c in r.flat_choices()) == "🗑️ Effacer mes données"


async def test_oubli_erases_after_a_yes_and_passes_the_seat_on(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=1)
    flows = Conversations(db, make_settings(db.url), clock)
    marie, paul = Chat(flows, "1", name="Marie"), Chat(flows, "2", name="Paul")
    for person in (marie, paul):
        await person.say("bonjour")
        await person.pick(f"by:{session_id}")
    await paul.press("liste d'attente")
    await marie.say("/oubli")
    assert "Voulez-vous vraiment effacer vos données ?" in marie.text
    await marie.say("non")
    assert (await people(db))[0].name == "Marie"  # "no" changes nothing
    await marie.say("oubli")
    await marie.say("oui")
    assert "vos données sont effacées" in marie.text
    erased, kept = await people(db)
    assert (erased.name, erased.external_id) == ("", f"erased:{erased.id}")
    assert kept.name == "Paul"
    async with db.transaction() as session:
        statuses = dict(
            (person_id, status)
            for person_id, status in await session.execute(
                select(Booking.person_id, Booking.status)
            )
        )
        conversations = await session.execute(
            select(func.count()).where(Conversation.person_id == erased.id)
        )
        assert conversations.scalar_one() == 0
        queued = await session.execute(
            select(OutboxMessage.kind).where(OutboxMessage.person_id == kept.id)
        )
        assert list(queued.scalars()) == ["waitlist_offer"]  # Paul is offered the seat
    # The booking stays, anonymous, for the figures.
    assert statuses == {erased.id: BookingStatus.CANCELLED, kept.id: BookingStatus.WAITING}
    # Writing again later is a first contact.
    await marie.say("bonjour")
    assert marie.text.startswith("Bonjour Marie !")
    assert len(await people(db)) == 3


async def test_people_silent_for_the_retention_time_are_erased(
    db: Database, clock: FixedClock
) -> None:
    services = Services(make_settings(db.url, retention_months=24), clock)
    try:
        future = await add_session(db, starts_at=clock.now() + timedelta(days=800))
        for who in ("silent", "booked", "recent"):
            chat = Chat(services.conversations, who, name=who)
            await chat.say("bonjour")
            if who == "booked":
                await chat.pick(f"by:{future}")
        clock.advance(timedelta(days=760))  # 25 months later
        await Chat(services.conversations, "recent", name="recent").say("menu")
        assert await services.engine.apply_retention(clock.now()) == 1
    finally:
        await services.close()
    names = [person.name for person in await people(db)]
    assert names == ["", "booked", "recent"]


async def test_oubli_by_sms_sends_a_farewell_then_nothing(
    database_url: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with FakeTwilio(SID, TOKEN) as twilio:
        settings = make_settings(
            database_url, **sms_settings(database_url, "twilio", twilio.base_url)
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        try:
            async with httpx.AsyncClient() as client:
                phone = SmsBot(runtime, client, "twilio")
                await add_session(runtime.db)
                await phone.text(MARIE, "Bonjour, je suis Marie Dupont", twilio)
                assert "OUBLI" in await phone.text(MARIE, "DONNEES", twilio)
                await phone.text(MARIE, "OUBLI", twilio)
                farewell = await phone.text(MARIE, "OUI", twilio)
                assert "vos données sont effacées" in farewell
                await settled(runtime.db)
            [person] = await people(runtime.db)
            assert person.external_id == f"erased:{person.id}"
        finally:
            await runtime.stop()
    # No phone number, message text or token in the logs at INFO.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (MARIE, "Marie Dupont", TOKEN, "OUBLI"):
        assert secret not in logged


async def test_oubli_cancels_and_erases_the_seats_booked_for_others(
    db: Database, clock: FixedClock
) -> None:
    """A guest's seat (a first name alone) and a seat for a number: both cancelled and passed
    on; the guest's name is gone from every table, rosters and exports included."""
    session_id = await add_session(db, capacity=2)
    flows = Conversations(db, make_settings(db.url), clock)
    karim, paul = Chat(flows, "1", name="Karim"), Chat(flows, "2", name="Paul")
    await karim.say("bonjour")
    for name, phone in (("Josiane", None), ("Lucie", "06 12 34 56 78")):
        await karim.pick(f"s:{session_id}")
        await book_for(karim, name, phone)
        assert f"C'est réservé pour {name} !" in karim.text
    await paul.say("bonjour")
    await paul.pick(f"s:{session_id}")
    await paul.press("liste d'attente")
    await karim.say("oubli")
    await karim.say("oui")
    assert "vos données sont effacées" in karim.text
    async with db.transaction() as session:
        statuses = dict(
            (name, status)
            for name, status in await session.execute(
                select(Person.external_id, Booking.status).join(
                    Person, Person.id == Booking.person_id
                )
            )
        )
        roster = await roster_rows(session, session_id, ZoneInfo("Europe/Paris"))
        offers = select(OutboxMessage.kind).join(Person, Person.id == OutboxMessage.person_id)
        paul_queue = list((await session.execute(offers.where(Person.name == "Paul"))).scalars())
    assert sorted(statuses.values()) == ["cancelled", "cancelled", "waiting"]
    assert paul_queue == ["waitlist_offer"]  # the first freed seat goes to Paul
    assert roster is not None
    assert "Josiane" not in str(roster)
    assert "Josiane" not in await everything_stored(db)
    assert "Karim" not in await everything_stored(db)


async def test_retention_cancels_the_seats_a_silent_person_booked_for_others(
    db: Database, clock: FixedClock
) -> None:
    services = Services(make_settings(db.url, retention_months=24), clock)
    try:
        future = await add_session(db, starts_at=clock.now() + timedelta(days=800))
        karim = Chat(services.conversations, "1", name="Karim")
        await karim.say("bonjour")
        await karim.pick(f"s:{future}")
        await book_for(karim, "Josiane", None)
        clock.advance(timedelta(days=760))  # 25 months later
        assert await services.engine.apply_retention(clock.now()) == 1
    finally:
        await services.close()
    async with db.transaction() as session:
        seats = list(await session.execute(select(Booking.status)))
        assert [status for (status,) in seats] == ["cancelled"]
    assert "Josiane" not in await everything_stored(db)


def test_the_daily_jobs_are_those_the_rooms_registered_in_order() -> None:
    from core.delivery import tick  # noqa: F401  (imports the modules that own jobs)
    from core.jobs import daily_jobs, tick_jobs

    assert [job.name.rsplit(".", 1)[1] for job in daily_jobs()] == [
        "erase_inactive",  # people first: their rows then age out with the rest
        "forget_old_messages_job",
        "forget_old_job",
        "forget_old_weeks_job",
        "forget_old_calls_job",
    ]
    assert [job.name.rsplit(".", 1)[1] for job in tick_jobs()] == ["forget_old_updates_job"]

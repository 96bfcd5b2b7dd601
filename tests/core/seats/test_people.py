"""One phone number is one person on SMS and WhatsApp, even when both write at once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, MultipleResultsFound
from sqlalchemy.ext.asyncio import AsyncSession

import core.seats.people
from core.dialog import PHONE_CHANNELS, SMS, VOICE, WHATSAPP, Sender
from core.seats.for_others import ForThemself, book_for_other
from core.seats.people import find_or_add_person, get_or_create_person
from core.seats.reminders import ReminderRule
from models import Database, Person
from models.people import PHONE_CHANNELS as INDEXED_CHANNELS
from tests.support.factories import NOW, add_session

NUMBER = "+33612345678"

Lookup = Callable[[AsyncSession, str, str], Awaitable[Person | None]]


def test_the_index_names_the_phone_channels() -> None:
    assert INDEXED_CHANNELS == PHONE_CHANNELS == {SMS, VOICE, WHATSAPP}


def look_together(monkeypatch: pytest.MonkeyPatch, lookers: int) -> None:
    """Make the first ``lookers`` lookups that find nobody wait for one another, so that
    every first contact has looked before any inserts (the race, made certain)."""
    real: Lookup = core.seats.people.find_person
    missed = 0
    everyone_looked = asyncio.Event()

    async def together(session: AsyncSession, channel: str, external_id: str) -> Person | None:
        nonlocal missed
        person = await real(session, channel, external_id)
        if person is None and missed < lookers:
            missed += 1
            if missed == lookers:
                everyone_looked.set()
            # SQLite's BEGIN IMMEDIATE lets one transaction in at a time: the other never
            # comes, and the one inside goes on after a second.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(everyone_looked.wait(), timeout=1)
        return person

    monkeypatch.setattr(core.seats.people, "find_person", together)


async def first_contacts(instances: list[Database]) -> list[tuple[Person, bool]]:
    """The first SMS and the first WhatsApp message of NUMBER, at the same instant, each in
    its own transaction on its own instance."""

    async def contact(db: Database, channel: str) -> tuple[Person, bool]:
        async with db.transaction() as session:
            return await get_or_create_person(session, Sender(channel, NUMBER, "Marie"), "fr", NOW)

    first, second = instances
    return list(await asyncio.gather(contact(first, SMS), contact(second, WHATSAPP)))


async def people_of(db: Database, number: str) -> list[Person]:
    async with db.transaction() as session:
        query = select(Person).where(Person.external_id == number).order_by(Person.id)
        return list((await session.execute(query)).scalars())


async def test_a_first_sms_and_a_first_whatsapp_at_once_make_one_person(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    look_together(monkeypatch, 2)
    other = Database(db.url)  # a second instance of the bot on the same database
    try:
        results = await first_contacts([db, other])
    finally:
        await other.dispose()
    (one,) = await people_of(db, NUMBER)
    assert {person.id for person, _ in results} == {one.id}
    assert sorted(created for _, created in results) == [False, True]
    assert one.channel in PHONE_CHANNELS


@pytest.mark.postgres
async def test_control_without_the_index_the_same_race_makes_two_people(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above can fail: without the index, the same race makes two people.

    Only on PostgreSQL: SQLite's BEGIN IMMEDIATE serialises whole transactions, which is
    itself a guard within one database file.
    """
    look_together(monkeypatch, 2)
    instances = [Database(postgres_url), Database(postgres_url)]
    try:
        async with instances[0].transaction() as session:
            await session.execute(text("DROP INDEX uq_people_phone_number"))
        try:
            await first_contacts(instances)
        except MultipleResultsFound:
            return  # a lookup after both inserts met the two rows of one number: the race
        assert len(await people_of(instances[0], NUMBER)) == 2
    finally:
        for db in instances:
            await db.dispose()


async def test_the_database_refuses_a_second_row_for_one_number(db: Database) -> None:
    """Whatever the code does, a number already known on SMS cannot be added on WhatsApp."""
    async with db.transaction() as session:
        await find_or_add_person(session, SMS, NUMBER, NOW)
    row = Person(channel=WHATSAPP, external_id=NUMBER, name="", created_at=NOW, last_seen_at=NOW)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(row)
    async with db.transaction() as session:  # other channels keep their own numbering
        await find_or_add_person(session, "telegram", NUMBER, NOW)
    assert [p.channel for p in await people_of(db, NUMBER)] == [SMS, "telegram"]


async def test_the_person_follows_the_number_to_the_channel_used_last(db: Database) -> None:
    later = NOW + timedelta(hours=2)
    async with db.transaction() as session:
        first, created = await get_or_create_person(session, Sender(SMS, NUMBER), "fr", NOW)
    assert created
    async with db.transaction() as session:
        again, created = await get_or_create_person(session, Sender(WHATSAPP, NUMBER), "fr", later)
        organisers = await find_or_add_person(session, SMS, NUMBER, later)
    assert not created
    assert again.id == organisers.id == first.id
    (one,) = await people_of(db, NUMBER)
    assert (one.channel, one.last_seen_at) == (WHATSAPP, later)
    async with db.transaction() as session:
        count = (await session.execute(select(func.count()).select_from(Person))).scalar_one()
    assert count == 1


async def test_booking_for_a_number_known_on_whatsapp_books_that_person(db: Database) -> None:
    """A helper gives the number of someone who writes on WhatsApp: the seat is theirs, not
    a second person's; and a booker on WhatsApp giving their own number is told so."""
    session_id = await add_session(db)
    rule = ReminderRule(ZoneInfo("Europe/Paris"), time(10))
    async with db.transaction() as session:
        josiane, _ = await get_or_create_person(session, Sender(WHATSAPP, NUMBER), "fr", NOW)
        helper = await find_or_add_person(session, "telegram", "42", NOW, "Karim")
        seat = await book_for_other(
            session, helper, session_id, "Josiane", "06 12 34 56 78", NOW, rule
        )
        assert (seat.person_id, seat.booked_by_id) == (josiane.id, helper.id)
        with pytest.raises(ForThemself):
            await book_for_other(session, josiane, session_id, "Moi", "0612345678", NOW, rule)
    assert [p.channel for p in await people_of(db, NUMBER)] == [WHATSAPP]

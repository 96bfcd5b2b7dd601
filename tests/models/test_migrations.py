"""Migrations upgrade and downgrade on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Booking,
    BookingStatus,
    Conversation,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
    Venue,
    WorkshopSession,
)
from models.migrate import alembic_config, downgrade, upgrade
from tests.support.databases import reset_postgres
from tests.support.factories import NOW


async def tables(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await db.dispose()


async def test_down_and_up_again(database_url: str) -> None:
    assert {"people", "sessions", "bookings", "outbox"} <= await tables(database_url)
    await asyncio.to_thread(downgrade, database_url, "base")
    assert await tables(database_url) <= {"alembic_version"}
    await asyncio.to_thread(upgrade, database_url, "head")
    assert {"people", "sessions", "bookings", "conversations", "processed_updates"} <= (
        await tables(database_url)
    )


async def test_migrations_match_the_models(database_url: str) -> None:
    """Autogenerate finds nothing to add: the migrated schema is the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.base import Base

    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            diff = await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await db.dispose()
    assert diff == []


@pytest.mark.postgres
async def test_two_instances_migrating_at_once_both_succeed(postgres_url: str) -> None:
    """Two instances (processes) start together on an empty database: the advisory lock
    makes one wait for the other, and the second finds the schema at head."""
    await reset_postgres(postgres_url)
    assert await tables(postgres_url) == set()
    env = {**os.environ, "DATABASE_URL": postgres_url}
    upgrades = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "db", "upgrade", env=env, stderr=asyncio.subprocess.PIPE
        )
        for _ in range(2)
    ]
    outcomes = await asyncio.gather(*(process.communicate() for process in upgrades))
    assert [process.returncode for process in upgrades] == [0, 0], outcomes
    assert {"people", "sessions", "bookings", "outbox"} <= await tables(postgres_url)
    db = Database(postgres_url)
    try:
        async with db.engine.connect() as connection:
            versions = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
    finally:
        await db.dispose()
    head = ScriptDirectory.from_config(alembic_config(postgres_url)).get_current_head()
    assert [row[0] for row in versions] == [head]


NUMBER = "+33612345678"


async def old_table(session: AsyncSession, name: str) -> Table:
    """A table as it is in the database now (an older schema than the models')."""
    connection = await session.connection()
    return await connection.run_sync(lambda c: Table(name, MetaData(), autoload_with=c))


def naive(at: datetime) -> datetime:
    """A time as stored: naive UTC (a reflected column has no UTC type to do it)."""
    return at.astimezone(UTC).replace(tzinfo=None)


async def old_person(
    session: AsyncSession, channel: str, number: str, name: str, *, created: int, seen: int
) -> int:
    """A person first seen ``created`` days and last seen ``seen`` hours before NOW, written
    with the columns of the older schema only."""
    people = await old_table(session, "people")
    values = {
        "channel": channel,
        "external_id": number,
        "name": name,
        "language": "fr",
        "unreachable": False,
        "opted_out": False,
        "created_at": naive(NOW - timedelta(days=created)),
        "last_seen_at": naive(NOW - timedelta(hours=seen)),
    }
    inserted = await session.execute(people.insert().values(values).returning(people.c.id))
    return int(inserted.scalar_one())


async def old_session(session: AsyncSession, title: str, seats_taken: int = 0) -> int:
    """A scheduled session of four seats, written with the older schema's columns."""
    sessions = await old_table(session, "sessions")
    values = {
        "import_key": title,
        "title": title,
        "description": "",
        "audience": "tous",
        "starts_at": naive(NOW + timedelta(days=2)),
        "duration_minutes": 120,
        "capacity": 4,
        "seats_taken": seats_taken,
        "venue": "Boutique Orange Metz",
        "address": "Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz",
        "status": "scheduled",
        "bring": "",
        "access": "",
        "revision": 0,
    }
    inserted = await session.execute(sessions.insert().values(values).returning(sessions.c.id))
    return int(inserted.scalar_one())


class Ids:
    """A row's id, standing for the row."""

    def __init__(self, id: int) -> None:
        self.id = id


def booking(person_id: int, session_id: int, status: str, **extra: object) -> Booking:
    return Booking(
        person_id=person_id,
        session_id=session_id,
        status=status,
        created_at=NOW,
        updated_at=NOW,
        **extra,
    )


async def test_upgrading_merges_the_two_people_of_one_number(database_url: str) -> None:
    """A database from before 0011 holds one number twice, on SMS and on WhatsApp: the
    upgrade leaves one person, the one seen last, holding both people's bookings."""
    await asyncio.to_thread(downgrade, database_url, "0010")
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            taken = {"Alone": 0, "By SMS": 1, "On WhatsApp": 1, "Twice": 2, "Seat and line": 1}
            alone, only_sms, only_wa, both, sms_seat_wa_line = [
                await old_session(session, title, seats) for title, seats in taken.items()
            ]
            by_sms_id = await old_person(session, "sms", NUMBER, "Marie", created=30, seen=48)
            on_wa_id = await old_person(session, "whatsapp", NUMBER, "", created=1, seen=1)
            other_id = await old_person(session, "sms", "+33699999999", "Paul", created=5, seen=5)
            telegram_id = await old_person(session, "telegram", NUMBER, "Tel", created=5, seen=5)
            people = await old_table(session, "people")
            await session.execute(  # wrote STOP by SMS: still so on WhatsApp
                people.update().where(people.c.id == by_sms_id).values(opted_out=True)
            )
            guest_id = await old_person(
                session, "guest", f"guest:{by_sms_id}:lea", "Léa", created=2, seen=2
            )
            by_sms, on_wa, other = (Ids(by_sms_id), Ids(on_wa_id), Ids(other_id))
            guest = Ids(guest_id)
            twice = booking(by_sms.id, both, BookingStatus.BOOKED)
            session.add_all(
                [
                    booking(other.id, alone, BookingStatus.BOOKED),
                    booking(by_sms.id, only_sms, BookingStatus.BOOKED),
                    booking(on_wa.id, only_wa, BookingStatus.BOOKED),
                    twice,
                    booking(on_wa.id, both, BookingStatus.BOOKED),
                    booking(by_sms.id, sms_seat_wa_line, BookingStatus.BOOKED),
                    booking(on_wa.id, sms_seat_wa_line, BookingStatus.WAITING),
                    booking(guest.id, alone, BookingStatus.BOOKED, booked_by_id=by_sms.id),
                    Conversation(person_id=by_sms.id, state={"on": "sms"}, updated_at=NOW),
                    Conversation(person_id=on_wa.id, state={"on": "whatsapp"}, updated_at=NOW),
                ]
            )
            await session.flush()
            session.add_all(
                OutboxMessage(
                    key=key, person_id=by_sms.id, kind=kind, payload={}, due_at=NOW, status=status
                )
                for key, kind, status in (
                    (f"reminder:{twice.id}:1", "reminder", OutboxStatus.PENDING),
                    ("reply:sms:u1:0", "reply", OutboxStatus.SENT),
                )
            )
            ids = (by_sms_id, on_wa_id, other_id, telegram_id, guest_id)
        await asyncio.to_thread(upgrade, database_url, "head")

        async with db.transaction() as session:
            everyone = list((await session.execute(select(Person).order_by(Person.id))).scalars())
            assert [p.id for p in everyone] == list(ids[1:])  # the SMS row merged away
            kept = everyone[0]
            assert (kept.channel, kept.external_id, kept.name) == ("whatsapp", NUMBER, "Marie")
            assert kept.created_at == NOW - timedelta(days=30)  # first contact, by SMS
            assert kept.opted_out
            held = (
                await session.execute(
                    select(Booking.session_id, Booking.status)
                    .where(Booking.person_id == kept.id)
                    .order_by(Booking.session_id, Booking.status)
                )
            ).all()
            assert [tuple(row) for row in held] == [
                (only_sms, "booked"),
                (only_wa, "booked"),
                (both, "booked"),
                (both, "cancelled"),  # two seats for one person: one given back
                (sms_seat_wa_line, "booked"),  # a seat beats a place in line
                (sms_seat_wa_line, "cancelled"),
            ]
            seats = {
                w.id: w.seats_taken
                for w in (await session.execute(select(WorkshopSession))).scalars()
            }
            assert seats[both] == 1
            assert seats[sms_seat_wa_line] == 1
            lea = (
                await session.execute(select(Booking).where(Booking.person_id == ids[4]))
            ).scalar_one()
            assert lea.booked_by_id == kept.id
            talks = (await session.execute(select(Conversation))).scalars().all()
            assert [(c.person_id, c.state) for c in talks] == [(kept.id, {"on": "whatsapp"})]
            queued = (
                (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
                .scalars()
                .all()
            )
            assert {row.person_id for row in queued} == {kept.id}
            assert queued[0].status == OutboxStatus.DROPPED  # the reminder of a seat given back
            assert queued[1].status == OutboxStatus.SENT
    finally:
        await db.dispose()


async def test_upgrading_gives_existing_sessions_their_venue(database_url: str) -> None:
    """Sessions from before 0014 keep their venue and address, and point to a venue row
    whose town and postcode are read from the address; their bookings stay."""
    await asyncio.to_thread(downgrade, database_url, "0012")
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            first = await old_session(session, "Smartphone", 1)
            second = await old_session(session, "Tablette")
            guest = await old_person(session, "sms", NUMBER, "Marie", created=1, seen=1)
            session.add(booking(guest, first, BookingStatus.BOOKED))
        await asyncio.to_thread(upgrade, database_url, "head")
        async with db.transaction() as session:
            venues = (await session.execute(select(Venue))).scalars().all()
            assert [(v.name, v.town, v.postcode) for v in venues] == [
                ("Boutique Orange Metz", "Metz", "57000")
            ]
            pointed = (
                await session.execute(select(WorkshopSession.venue_id).order_by(WorkshopSession.id))
            ).scalars()
            assert list(pointed) == [venues[0].id, venues[0].id]
            assert (await session.execute(select(Booking.session_id))).scalars().all() == [first]
            assert second != first
    finally:
        await db.dispose()

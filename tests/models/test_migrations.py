"""Migrations upgrade and downgrade on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, select, text

from models import (
    Booking,
    BookingStatus,
    Conversation,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
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


def person(channel: str, number: str, name: str, *, created: int, seen: int) -> Person:
    """A person first seen ``created`` days and last seen ``seen`` hours before NOW."""
    return Person(
        channel=channel,
        external_id=number,
        name=name,
        language="fr",
        unreachable=False,
        opted_out=False,
        created_at=NOW - timedelta(days=created),
        last_seen_at=NOW - timedelta(hours=seen),
    )


def booking(person_id: int, session_id: int, status: str, **extra: object) -> Booking:
    return Booking(
        person_id=person_id,
        session_id=session_id,
        status=status,
        created_at=NOW,
        updated_at=NOW,
        **extra,
    )


async def old_session(db: Database, title: str, taken: int) -> int:
    """A session of four seats as a database of before the later columns holds it: only
    the columns it had are written (the model's newer ones are left out)."""
    start = NOW + timedelta(days=2)
    async with db.transaction() as session:
        inserted = await session.execute(
            insert(WorkshopSession)
            .values(
                import_key=f"{title}|{start.isoformat()}",
                title=title,
                description="",
                audience="seniors",
                starts_at=start,
                duration_minutes=120,
                capacity=4,
                seats_taken=taken,
                venue="Boutique",
                address="57000 Metz",
                status="scheduled",
            )
            .returning(WorkshopSession.id)
        )
        return int(inserted.scalar_one())


async def test_upgrading_merges_the_two_people_of_one_number(database_url: str) -> None:
    """A database from before 0011 holds one number twice, on SMS and on WhatsApp: the
    upgrade leaves one person, the one seen last, holding both people's bookings."""
    await asyncio.to_thread(downgrade, database_url, "0010")
    db = Database(database_url)
    try:
        alone, only_sms, only_wa, both, sms_seat_wa_line = [
            await old_session(db, title, taken)
            for title, taken in (
                ("Alone", 0),
                ("By SMS", 1),
                ("On WhatsApp", 1),
                ("Twice", 2),
                ("Seat and line", 1),
            )
        ]
        async with db.transaction() as session:
            by_sms = person("sms", NUMBER, "Marie", created=30, seen=48)
            on_wa = person("whatsapp", NUMBER, "", created=1, seen=1)
            other = person("sms", "+33699999999", "Paul", created=5, seen=5)
            on_telegram = person("telegram", NUMBER, "Tel", created=5, seen=5)
            by_sms.opted_out = True  # wrote STOP by SMS: still so on WhatsApp
            session.add_all([by_sms, on_wa, other, on_telegram])
            await session.flush()
            guest = person("guest", f"guest:{by_sms.id}:lea", "Léa", created=2, seen=2)
            session.add(guest)
            await session.flush()
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
            ids = (by_sms.id, on_wa.id, other.id, on_telegram.id, guest.id)
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

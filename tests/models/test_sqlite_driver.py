"""SQLite through one trip to aiosqlite's thread per statement: what SQLAlchemy reads of a
statement (its rows, the rows it changed, the id inserted, its errors) is what it was."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from core.clock import FixedClock
from handlers.machinery.turns import Conversations
from models import Database, Person, ProcessedUpdate
from models.inserts import insert_ignore
from models.sqlite_driver import OneTripConnection
from tests.support.chat import Chat
from tests.support.factories import make_settings

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def person(number: int) -> dict[str, object]:
    return {
        "channel": "telegram",
        "external_id": str(number),
        "name": f"Personne {number}",
        "language": "fr",
        "unreachable": False,
        "created_at": NOW,
        "last_seen_at": NOW,
    }


@pytest.mark.parametrize("brief", [False, True])
async def test_rows_counts_ids_and_errors_come_back_as_sqlalchemy_reads_them(
    sqlite_url: str, brief: bool
) -> None:
    # brief: a conversation's step, run in the event loop's thread rather than aiosqlite's.
    db = Database(sqlite_url)
    try:
        async with db.transaction(brief=brief) as session:
            raw = await (await session.connection()).get_raw_connection()
            assert isinstance(raw.dbapi_connection, OneTripConnection)
            inserted = await session.execute(insert(Person).values(**person(1)))
            assert inserted.inserted_primary_key is not None  # lastrowid
            await session.execute(insert(Person), [person(2), person(3)])  # executemany
            changed = await session.execute(
                update(Person).where(Person.external_id != "1").values(language="en")
            )
            assert changed.rowcount == 2  # type: ignore[attr-defined]
            key = {"channel": "telegram", "update_key": "7", "handled_at": NOW}
            assert await insert_ignore(session, ProcessedUpdate, key)
            assert not await insert_ignore(session, ProcessedUpdate, key)  # rowcount 0
        async with db.transaction(brief=brief) as session:
            names = (await session.execute(select(Person.name).order_by(Person.id))).scalars()
            assert list(names) == ["Personne 1", "Personne 2", "Personne 3"]
            assert (await session.execute(select(func.count()).select_from(Person))).scalar() == 3
            nothing = await session.execute(select(Person).where(Person.external_id == "9"))
            assert nothing.scalar_one_or_none() is None
        with pytest.raises(IntegrityError):
            async with db.transaction(brief=brief) as session:
                await session.execute(insert(Person).values(**person(1)))
        with pytest.raises(OperationalError):
            async with db.transaction(brief=brief) as session:
                await session.execute(text("SELECT * FROM no_such_table"))
        async with db.transaction(brief=brief) as session:  # the failed ones were rolled back
            assert (await session.execute(select(func.count()).select_from(Person))).scalar() == 3
    finally:
        await db.dispose()


@pytest.mark.parametrize("brief", [False, True])
async def test_a_transaction_holds_the_write_lock_from_its_first_statement(
    sqlite_url: str, brief: bool
) -> None:
    path = make_url(sqlite_url).database
    assert path is not None
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    db = Database(sqlite_url)
    try:
        async with db.transaction(brief=brief):  # nothing sent: nothing opened or committed
            pass
        other.execute("BEGIN IMMEDIATE")  # the lock was free
        other.execute("ROLLBACK")
        async with db.transaction(brief=brief) as session:
            await session.execute(select(func.count()).select_from(Person))  # a read first
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # another writer waits for this one
            await session.execute(insert(Person).values(**person(1)))
        with pytest.raises(IntegrityError):
            async with db.transaction(brief=brief) as session:
                await session.execute(insert(Person).values(**person(1)))
        other.execute("BEGIN IMMEDIATE")  # released after a commit and after a rollback
        other.execute("ROLLBACK")
        async with db.transaction() as session:
            assert (await session.execute(select(func.count()).select_from(Person))).scalar() == 1
    finally:
        other.close()
        await db.dispose()


async def test_a_step_waits_for_another_writer_without_stopping_the_others(
    sqlite_url: str, clock: FixedClock
) -> None:
    # A conversation's step runs its statements in the event loop's thread, but never waits
    # there for the write lock: held by another process, it is waited for in aiosqlite's
    # thread, and everything else the bot does goes on meanwhile.
    path = make_url(sqlite_url).database
    assert path is not None
    db = Database(sqlite_url)
    chat = Chat(Conversations(db, make_settings(sqlite_url), clock), "1", language="fr")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        await chat.say("bonjour")
        other.execute("BEGIN IMMEDIATE")
        step = asyncio.create_task(chat.say("aide"))
        ticks = 0
        for _ in range(10):  # the event loop keeps turning while the step waits
            await asyncio.sleep(0.02)
            ticks += 1
        assert ticks == 10
        assert not step.done()
        other.execute("ROLLBACK")
        await asyncio.wait_for(step, 10)
        assert "menu" in chat.text.lower()
    finally:
        other.close()
        await db.dispose()

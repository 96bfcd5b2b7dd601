"""A notice's choices and a person's own turn may both add the person's conversation row at
the same moment (the outbox's sender remembers a notice's choices as it goes out): neither
fails, and the person's own turn is the later word."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from core.dialog import Choice, Reply
from core.seats.people import find_or_add_person, save_state
from handlers.machinery.context import remember_choices
from models import Conversation, Database

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
REMINDER = Reply("Rappel : atelier demain.", ((Choice("Annuler", "c:1"),),), expects="yesno")


async def _state(db: Database, person_id: int) -> dict[str, object]:
    async with db.transaction() as session:
        query = select(Conversation.state).where(Conversation.person_id == person_id)
        return dict((await session.execute(query)).scalar_one())


async def test_a_turn_that_found_no_row_writes_over_the_one_a_notice_added(db: Database) -> None:
    async with db.transaction() as session:
        person = await find_or_add_person(session, "sms", "+33612345678", NOW)
    async with db.transaction() as session:
        await remember_choices(session, person, REMINDER, NOW)
    async with db.transaction() as session:  # the turn read no row before the notice went
        await save_state(session, person.id, {"screen": "menu"}, NOW, new=True)
    assert (await _state(db, person.id)).get("screen") == "menu"


async def _until_a_backend_waits_on_a_lock(db: Database) -> None:
    """Return once another transaction of this database waits on a row lock."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(10):
        while True:
            async with db.transaction() as session:
                if (await session.execute(waiting)).scalar_one():
                    return
            await asyncio.sleep(0.01)


@pytest.mark.postgres
async def test_a_notice_remembered_while_a_turn_adds_the_row_does_not_fail(
    postgres_url: str,
) -> None:
    db = Database(postgres_url)
    try:
        async with db.transaction() as session:
            person = await find_or_add_person(session, "sms", "+33612345679", NOW)

        async def notice_goes_out() -> None:
            async with db.transaction() as notice:
                await remember_choices(notice, person, REMINDER, NOW)

        async with db.transaction() as turn:  # the turn's row, not yet committed
            await save_state(turn, person.id, {"screen": "menu"}, NOW, new=True)
            remembering = asyncio.create_task(notice_goes_out())
            await _until_a_backend_waits_on_a_lock(db)  # the notice saw no row, and waits
        await remembering  # no duplicate key: the notice's choices go over the turn's row
        assert (await _state(db, person.id)).get("screen") == "yesno"
    finally:
        await db.dispose()

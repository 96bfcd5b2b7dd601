"""A step of someone already talking to the bot costs few statements: the person and their
conversation come in one query, the update's record is one insert, the state one update, and
a written message's reading is counted for the week (one insert, no texts kept)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.clock import FixedClock
from core.dialog import Incoming, Kind
from handlers.machinery.turns import Conversations
from models import Database
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings

FIXED = 4
"""The update's record, the person with their conversation, the week's count of readings,
the conversation's new state."""


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements (not BEGIN) sent while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.upper().startswith("BEGIN"):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


async def test_a_known_person_on_the_menu_costs_one_query_to_find(
    db: Database, clock: FixedClock
) -> None:
    await add_session(db, capacity=4)
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1", language="fr")
    await chat.say("bonjour")
    with statements() as sent:
        await chat.say("aide")
    assert "menu" in chat.text.lower()
    people = [s for s in sent if "FROM people" in s]
    assert len(people) == 1
    assert "JOIN conversations" in people[0]
    assert len(sent) == FIXED


async def test_a_redelivered_step_changes_nothing_and_costs_one_statement(
    db: Database, clock: FixedClock
) -> None:
    await add_session(db, capacity=4)
    conversations = Conversations(db, make_settings(db.url), clock)
    chat = Chat(conversations, "1", language="fr")
    await chat.say("bonjour")
    step = Incoming(chat.sender, Kind.TEXT, text="aide", update_key="1:help")
    assert await conversations.handle(step)
    with statements() as sent:
        assert await conversations.handle(step) == []
    assert len(sent) == 1  # the update's record, found already there


async def test_a_card_and_a_booking_read_the_session_with_the_seat_once(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=4)
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1", language="fr")
    await chat.say("bonjour")
    with statements() as card:
        await chat.pick(f"s:{session_id}")
    with statements() as booking:
        await chat.pick(f"by:{session_id}")
    assert "réservé" in chat.text.lower()
    # The card: the session with the person's seat in it, in one query (no week's count).
    assert len(card) == FIXED - 1 + 1
    reads = [s for s in booking if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 2  # the person, then the session with the person's seat in it
    reminders = [s for s in booking if "INTO outbox" in s]
    assert len(reminders) == 1  # every reminder of the seat in one insert

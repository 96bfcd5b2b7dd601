"""Finding the person behind a message, creating them on first contact."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.dialog import PHONE_CHANNELS, Sender
from models import Booking, Conversation, Person
from models.inserts import insert_ignore


def _known(phone: bool) -> tuple[ColumnElement[bool], ...]:
    """The conditions that find a person by ``external_id`` (and ``channel`` off the phone
    channels), as bound parameters: the queries of every step are built once."""
    channel = (
        Person.channel.in_(PHONE_CHANNELS) if phone else Person.channel == bindparam("channel")
    )
    return (channel, Person.external_id == bindparam("external_id"))


_FIND = {phone: select(Person).where(*_known(phone)) for phone in (False, True)}
_TALKING = {
    phone: select(Person, Conversation.state)
    .join(Conversation, Conversation.person_id == Person.id)
    .where(*_known(phone))
    .with_for_update(of=Conversation)
    for phone in (False, True)
}
_STATE = (
    select(Conversation.state)
    .where(Conversation.person_id == bindparam("person_id"))
    .with_for_update()
)
_CONVERSATIONS = cast(Table, Conversation.__table__)
_SAVE_STATE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.person_id == bindparam("id"))
    .values(state=bindparam("state"), updated_at=bindparam("now"))
)


def _add_state(postgres: bool) -> Any:
    """INSERT of a new conversation's state, written over a row added meanwhile."""
    add = (pg_insert if postgres else sqlite_insert)(_CONVERSATIONS).values(
        person_id=bindparam("id"), state=bindparam("state"), updated_at=bindparam("now")
    )
    return add.on_conflict_do_update(
        index_elements=[_CONVERSATIONS.c.person_id],
        set_={"state": add.excluded.state, "updated_at": add.excluded.updated_at},
    )


_ADD_STATE = {postgres: _add_state(postgres) for postgres in (False, True)}
"""A new conversation's state, written over the row a notice's choices may have added
meanwhile (the outbox's sender remembers them as the notice goes out): the person's own
turn is the later word."""


_ADD_PERSON = {
    postgres: (pg_insert if postgres else sqlite_insert)(Person)
    .on_conflict_do_nothing()
    .returning(Person)
    for postgres in (False, True)
}
"""A new person's row, the person read back from the INSERT itself; no row when the address
(or the phone number) is somebody's already."""


def _address(channel: str, external_id: str) -> tuple[bool, dict[str, str]]:
    """Which of the built queries finds this address, and its parameters."""
    if channel in PHONE_CHANNELS:
        return True, {"external_id": external_id}
    return False, {"channel": channel, "external_id": external_id}


async def find_person(session: AsyncSession, channel: str, external_id: str) -> Person | None:
    """The person known on ``channel`` by ``external_id``, if any.

    A phone number is one person on every phone channel (SMS, WhatsApp): their row keeps
    the channel they used last, where their notices go. The database holds at most one
    row per number on those channels (the index ``uq_people_phone_number``).
    """
    phone, parameters = _address(channel, external_id)
    return (await session.execute(_FIND[phone], parameters)).scalar_one_or_none()


async def find_talking(
    session: AsyncSession, sender: Sender, now: datetime
) -> tuple[Person, dict[str, Any]] | None:
    """The sender's person and their conversation's state, the conversation locked, in one
    query; None when either is missing (a first contact, or a person without a
    conversation yet).

    The conversation row is locked (``FOR UPDATE OF``: a notice that remembers its
    choices waits), the person row is read as :func:`find_person` reads it. The person
    is marked seen as :func:`get_or_create_person` marks them. The conversation is read
    as its stored state only (no object to track): :func:`save_state` writes it back.
    """
    phone, parameters = _address(sender.channel, sender.external_id)
    row = (await session.execute(_TALKING[phone], parameters)).one_or_none()
    if row is None:
        return None
    person, state = row[0], row[1]
    seen(person, sender, now)
    return person, state


async def conversation_state(session: AsyncSession, person_id: int) -> dict[str, Any] | None:
    """The stored state of the person's conversation, the row locked; None without one."""
    found = await session.execute(_STATE, {"person_id": person_id})
    return found.scalar_one_or_none()


async def save_state(
    session: AsyncSession, person_id: int, state: dict[str, Any], now: datetime, *, new: bool
) -> None:
    """Write the conversation's state (a ``new`` conversation is inserted): one statement."""
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _ADD_STATE[postgres] if new else _SAVE_STATE
    await session.execute(statement, {"id": person_id, "state": state, "now": now})


GUEST = "guest"
"""The channel of a person booked for by someone else, without a number: never sent to."""


def recipient(person_id: int, holder_channel: str, booked_by_id: int | None) -> int:
    """Who is told about a booking: its holder, or the booker of a guest's seat."""
    if holder_channel == GUEST and booked_by_id is not None:
        return booked_by_id
    return person_id


async def recipient_of(session: AsyncSession, booking: Booking) -> int:
    """Who is told about ``booking`` (see :func:`recipient`)."""
    holder = await session.get(Person, booking.person_id)
    channel = holder.channel if holder is not None else ""
    return recipient(booking.person_id, channel, booking.booked_by_id)


SEEN_PRECISION = timedelta(hours=1)
"""``last_seen_at`` is kept to within this: it only decides when old data is deleted."""


async def get_or_create_person(
    session: AsyncSession, sender: Sender, language: str, now: datetime, *, new: bool = False
) -> tuple[Person, bool]:
    """Return the sender's person and whether they were created now (first contact).

    A known person costs one query; the person row is written only when something
    changed (a new name, reachable again, first message in an hour). ``new``: the sender
    is most likely unknown (:func:`find_talking` found nobody), so the row is inserted
    first, without looking for it before: one query fewer for a first contact, the same
    count for someone known.

    Two first contacts at once (the first SMS and the first WhatsApp message of one
    number, on two instances) both insert; the unique keys let one row in, the other
    insert does nothing (on PostgreSQL it waits for the first to commit), and both read
    back that one row.
    """
    person = None if new else await find_person(session, sender.channel, sender.external_id)
    created = False
    if person is None:
        values = {
            "channel": sender.channel,
            "external_id": sender.external_id,
            "name": sender.name[:128],
            "language": language,
            "unreachable": False,
            "created_at": now,
            "last_seen_at": now,
        }
        statement = _ADD_PERSON[session.get_bind().dialect.name == "postgresql"]
        person = (await session.scalars(statement, [values])).one_or_none()
        created = person is not None  # else somebody's row was there: it is read back
        if person is None:
            person = await find_person(session, sender.channel, sender.external_id)
        assert person is not None
    seen(person, sender, now)
    return person, created


def seen(person: Person, sender: Sender, now: datetime) -> None:
    """A message came from ``person``: their channel, name and last visit follow it (each
    attribute written only when it changes, so that nothing is flushed for nothing)."""
    if person.channel != sender.channel:  # the same number, now on another phone channel
        person.channel = sender.channel
    if now - person.last_seen_at >= SEEN_PRECISION:
        person.last_seen_at = now
    if person.unreachable:
        person.unreachable = False
    if sender.name and person.name != sender.name[:128]:
        person.name = sender.name[:128]


async def find_or_add_person(
    session: AsyncSession,
    channel: str,
    address: str,
    now: datetime,
    name: str = "",
    language: str = "fr",
) -> Person:
    """The person known on ``channel`` by ``address``, created when new."""
    person = await find_person(session, channel, address)
    if person is None:
        await insert_ignore(
            session,
            Person,
            {
                "channel": channel,
                "external_id": address,
                "name": name,
                "language": language,
                "unreachable": False,
                "opted_out": False,
                "created_at": now,
                "last_seen_at": now,
            },
        )
        person = await find_person(session, channel, address)
        assert person is not None
    return person

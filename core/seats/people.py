"""Finding the person behind a message, creating them on first contact."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.dialog import PHONE_CHANNELS, Sender
from models import Booking, Conversation, Person
from models.inserts import insert_ignore


async def find_person(session: AsyncSession, channel: str, external_id: str) -> Person | None:
    """The person known on ``channel`` by ``external_id``, if any.

    A phone number is one person on every phone channel (SMS, WhatsApp): their row keeps
    the channel they used last, where their notices go. The database holds at most one
    row per number on those channels (the index ``uq_people_phone_number``).
    """
    query = select(Person).where(*_known_as(channel, external_id))
    return (await session.execute(query)).scalar_one_or_none()


def _known_as(channel: str, external_id: str) -> tuple[ColumnElement[bool], ...]:
    """The conditions that find the person known on ``channel`` by ``external_id``."""
    if channel in PHONE_CHANNELS:
        return (Person.channel.in_(PHONE_CHANNELS), Person.external_id == external_id)
    return (Person.channel == channel, Person.external_id == external_id)


async def find_talking(
    session: AsyncSession, sender: Sender, now: datetime
) -> tuple[Person, Conversation] | None:
    """The sender's person and their conversation, locked, in one query; None when either
    is missing (a first contact, or a person without a conversation yet).

    The conversation row is locked (``FOR UPDATE OF``: a notice that remembers its
    choices waits), the person row is read as :func:`find_person` reads it. The person
    is marked seen as :func:`get_or_create_person` marks them.
    """
    query = (
        select(Person, Conversation)
        .join(Conversation, Conversation.person_id == Person.id)
        .where(*_known_as(sender.channel, sender.external_id))
        .with_for_update(of=Conversation)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None:
        return None
    person, conversation = row[0], row[1]
    seen(person, sender, now)
    return person, conversation


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
    session: AsyncSession, sender: Sender, language: str, now: datetime
) -> tuple[Person, bool]:
    """Return the sender's person and whether they were created now (first contact).

    A known person costs one query; the person row is written only when something
    changed (a new name, reachable again, first message in an hour).

    Two first contacts at once (the first SMS and the first WhatsApp message of one
    number, on two instances) both insert; the unique keys let one row in, the other
    insert does nothing (on PostgreSQL it waits for the first to commit), and both read
    back that one row.
    """
    person = await find_person(session, sender.channel, sender.external_id)
    created = False
    if person is None:
        created = await insert_ignore(
            session,
            Person,
            {
                "channel": sender.channel,
                "external_id": sender.external_id,
                "name": sender.name[:128],
                "language": language,
                "unreachable": False,
                "created_at": now,
                "last_seen_at": now,
            },
        )
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

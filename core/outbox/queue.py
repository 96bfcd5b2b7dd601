"""The outbox: queue a message once under a unique key; claim due rows; mark them.

Delivery is at-least-once towards the channel and exactly-once in the database: a row
is claimed (status ``sending`` with a lease) before it is sent and marked ``sent`` after.
A crash between the send and the mark leaves a claimed row whose lease runs out; it is
then sent again. A duplicate reminder is a small harm; a lost one is a missed workshop.

Each claim of a row has its number, the row's ``attempts`` once claimed. The claimer
renews its lease while it holds the row, and its mark counts only while the row is
still ``sending`` under that number: a claimer whose lease lapsed and whose row was
claimed again elsewhere cannot overwrite the later outcome.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Subquery,
    case,
    delete,
    func,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.outbox.priority import (
    BROADCAST_KINDS,
    REMINDER_KINDS,
    REPLY_KIND,
    Priority,
    aging,
)
from models import OutboxMessage, OutboxStatus, Person
from models.inserts import insert_ignore, insert_ignore_rows

LEASE = timedelta(minutes=2)

HOLD = timedelta(seconds=60)
"""How long the channel that answers at once holds an answer's rows (:func:`enqueue_all`
with ``held_until``) before the sender may take them, renewed while it still sends them:
past it, after a crash, the sender sends what was not sent."""

HELD = 0
"""The claim number of rows held by the channel that wrote them (the sender's claims count
from 1): only the holder's marks (:func:`forget_sent`, :func:`release_held`) apply to them."""

CHUNK = 500
"""Keys per statement when many rows are marked at once (SQLite allows 32,766 parameters)."""

REPLY = REPLY_KIND
"""An answer to a person's message, for channels that answer through the outbox (SMS)."""

FAREWELL_ADDRESS = "to"
"""In a reply's payload: the address a farewell goes to, the person's being erased; it is
removed from the row as soon as the farewell is sent or given up."""


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    person_id: int,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Queue a message unless one with the same key exists; return whether it was queued."""
    return await insert_ignore(
        session,
        OutboxMessage,
        {
            "key": key,
            "person_id": person_id,
            "kind": kind,
            "payload": payload or {},
            "due_at": due_at,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
        },
    )


async def enqueue_all(
    session: AsyncSession, messages: list[Queued], *, held_until: datetime | None = None
) -> int:
    """:func:`enqueue` each of ``messages``, in one statement; return how many were queued.

    With ``held_until``, the rows are written as held by the caller (``sending`` under
    claim :data:`HELD` until then), who sends them at once and then forgets them
    (:func:`forget_sent`) or hands them to the sender (:func:`release_held`); if it dies
    meanwhile, the sender takes them once the hold has lapsed, as a lapsed lease.
    """
    status = OutboxStatus.PENDING if held_until is None else OutboxStatus.SENDING
    rows = [
        {
            "key": message.key,
            "person_id": message.person_id,
            "kind": message.kind,
            "payload": message.payload or {},
            "due_at": message.due_at,
            "status": status,
            "attempts": HELD,
            "claimed_until": held_until,
        }
        for message in messages
    ]
    if len(rows) == 1:  # the usual answer: the statement built once, its values bound
        return int(await insert_ignore(session, OutboxMessage, rows[0]))
    return await insert_ignore_rows(session, OutboxMessage, rows)


def reply_key(channel: str, update_key: str, index: int) -> str:
    """The key of the ``index``-th reply to an update, once in the outbox."""
    return f"{REPLY}:{channel}:{update_key}:{index}"


def _chunks(keys: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


async def forget_sent(session: AsyncSession, keys: Sequence[str]) -> int:
    """Delete the held rows of ``keys``, sent by their holder (nothing of what they said is
    kept); a row taken by the sender meanwhile is left to it. Return how many."""
    forgotten = 0
    for chunk in _chunks(keys):
        result = await session.execute(
            delete(OutboxMessage).where(OutboxMessage.key.in_(chunk), _held(HELD))
        )
        forgotten += _count(result)
    return forgotten


async def renew_held(session: AsyncSession, keys: Sequence[str], until: datetime) -> int:
    """Hold the rows of ``keys`` still held until ``until``; return how many."""
    renewed = 0
    for chunk in _chunks(keys):
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key.in_(chunk), _held(HELD))
            .values(claimed_until=until)
        )
        renewed += _count(result)
    return renewed


async def release_held(
    session: AsyncSession, payloads: Mapping[str, dict[str, Any]], now: datetime
) -> set[str]:
    """Hand held rows to the sender, due now, each with its payload (what is left of it to
    send); return the keys of the rows still held, and so handed over."""
    released = set()
    for key, payload in payloads.items():
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key == key, _held(HELD))
            .values(status=OutboxStatus.PENDING, claimed_until=None, due_at=now, payload=payload)
        )
        if _count(result):
            released.add(key)
    return released


@dataclass(frozen=True, slots=True)
class Queued:
    """A message to queue (:func:`enqueue_all`): what :func:`enqueue` takes."""

    key: str
    person_id: int
    kind: str
    due_at: datetime
    payload: dict[str, Any] | None = None


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    exclude: Collection[int] = (),
    skip_channels: Collection[str] = (),
    exclude_keys: Collection[str] = (),
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due rows (pending, or sending with a lapsed lease), except the
    rows in ``exclude`` (those the caller still has in hand, whose lease may have lapsed),
    the rows of ``exclude_keys`` (those a channel of the caller's process holds, whose hold
    may have lapsed) and the rows of people on ``skip_channels`` (channels with enough in
    hand already).

    The most urgent first (see :mod:`core.outbox.priority`): answers, then follow-ups and
    notices, then reminders, then broadcasts, each in due order; a row due for longer than
    its class's aging is claimed with the answers, so none is starved.

    A person's messages go in order: while a row of the person was tried and waits to be
    tried again, or is in a sender's hand (:func:`_first_tried`), only that row may be
    claimed; the person's other rows go once it is sent or given up. Not even an earlier
    row (a lower id) goes before it: a reminder queued before an answer but sent after it
    (answers are more urgent), and put back unsent when the answer failed, must not
    overtake the answer.

    On PostgreSQL the rows are locked with SKIP LOCKED so that two senders never claim
    the same row; SQLite serialises the whole transaction.
    """
    skipped = select(Person.id).where(Person.channel.in_(skip_channels))
    first = _first_tried()
    query = (
        select(OutboxMessage)
        .outerjoin(first, first.c.person_id == OutboxMessage.person_id)
        .where(
            or_(first.c.first_id.is_(None), OutboxMessage.id == first.c.first_id),
            OutboxMessage.due_at <= now,
            OutboxMessage.id.not_in(exclude) if exclude else true(),
            OutboxMessage.key.not_in(exclude_keys) if exclude_keys else true(),
            OutboxMessage.person_id.not_in(skipped) if skip_channels else true(),
            or_(
                OutboxMessage.status == OutboxStatus.PENDING,
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_until <= now),
            ),
        )
        .order_by(urgency(now), OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(of=OutboxMessage, skip_locked=True)
    )
    rows = list((await session.execute(query)).scalars())
    for row in rows:
        row.status = OutboxStatus.SENDING
        row.claimed_until = now + LEASE
        row.attempts += 1
    await session.flush()
    return rows


def _first_tried() -> Subquery:
    """Per person, the first of their rows that a sender has tried and that is not done:
    put back to be tried again (a provider error, a timeout, 429 after 429), or in a
    sender's hand. The person's later rows wait behind it, so that nothing overtakes it."""
    tried = aliased(OutboxMessage)
    done = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED)
    return (
        select(tried.person_id, func.min(tried.id).label("first_id"))
        .where(  # the terms of ``models.outbox.TRIED``, as they are: its index serves them
            tried.attempts > literal_column(str(HELD)),
            *(tried.status != literal_column(f"'{status}'") for status in done),
        )
        .group_by(tried.person_id)
        .subquery()
    )


def urgency(now: datetime) -> ColumnElement[int]:
    """A row's class (:class:`Priority`) while it is younger than its class's aging, then
    that of an answer."""

    def young(priority: Priority) -> ColumnElement[bool]:
        return OutboxMessage.due_at > now - aging(priority)

    kind = OutboxMessage.kind
    return case(
        (kind == REPLY_KIND, int(Priority.ANSWER)),
        (kind.in_(BROADCAST_KINDS) & young(Priority.BROADCAST), int(Priority.BROADCAST)),
        (kind.in_(REMINDER_KINDS) & young(Priority.REMINDER), int(Priority.REMINDER)),
        (
            kind.not_in(BROADCAST_KINDS | REMINDER_KINDS) & young(Priority.FOLLOW_UP),
            int(Priority.FOLLOW_UP),
        ),
        else_=int(Priority.ANSWER),
    )


async def mark(
    session: AsyncSession,
    message_id: int,
    status: OutboxStatus,
    now: datetime,
    *,
    error: str | None = None,
    retry_at: datetime | None = None,
    segments: int | None = None,
    payload: dict[str, Any] | None = None,
    provider_message_id: str | None = None,
    claim: int | None = None,
) -> bool:
    """Record the outcome of one delivery attempt (and the SMS segments it took);
    ``payload`` replaces the row's. With ``claim`` (the claim's number), only while the
    row is still held under that claim; return whether the outcome was recorded."""
    values: dict[str, Any] = {"status": status, "claimed_until": None, "last_error": error}
    if payload is not None:
        values["payload"] = payload
    if status == OutboxStatus.SENT:
        values["sent_at"] = now
        values["segments"] = segments
        if provider_message_id is not None:
            values["provider_message_id"] = provider_message_id
    if retry_at is not None:
        values["due_at"] = retry_at
    held = _held(claim) if claim is not None else true()
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, held).values(**values)
    )
    return _count(result) > 0


def held_by_channel(now: datetime) -> ColumnElement[bool]:
    """Rows the channel that wrote them holds, and sends now: not the sender's yet."""
    return _held(HELD) & (OutboxMessage.claimed_until > now)


def _held(claim: int) -> ColumnElement[bool]:
    """A row still held under the claim numbered ``claim``."""
    return (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.attempts == claim)


def _count(result: object) -> int:
    """The rows an UPDATE changed."""
    return int(getattr(result, "rowcount", 0) or 0)


async def renew(session: AsyncSession, claims: Mapping[int, int], now: datetime) -> int:
    """Extend the lease of the rows still held under ``claims`` (row id: claim number);
    return how many."""
    renewed = 0
    for claim in set(claims.values()):
        ids = [row_id for row_id, number in claims.items() if number == claim]
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), _held(claim))
            .values(claimed_until=now + LEASE)
        )
        renewed += _count(result)
    return renewed


DELIVERY_ORDER = ("sent", "delivered", "read")
"""Statuses a channel reports, in the order they happen (``failed`` ends any of them)."""


async def record_delivery(
    session: AsyncSession, provider_message_id: str, status: str, error: str | None = None
) -> OutboxMessage | None:
    """Note a status the channel reported for a message it sent; return its row.

    Statuses may arrive out of order or twice: a later one never goes back to an earlier
    one (``read`` stays ``read`` when ``delivered`` arrives after it).
    """
    query = select(OutboxMessage).where(OutboxMessage.provider_message_id == provider_message_id)
    row = (await session.execute(query.with_for_update())).scalars().first()
    if row is None:
        return None
    current = row.delivery_status
    if current == "failed" or (
        current in DELIVERY_ORDER
        and status in DELIVERY_ORDER
        and DELIVERY_ORDER.index(status) <= DELIVERY_ORDER.index(current)
    ):
        return row
    row.delivery_status = status
    if status == "failed":
        row.status = OutboxStatus.FAILED
        row.last_error = error
    return row


async def status_counts(session: AsyncSession) -> dict[str, int]:
    """How many rows stand in each status."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: int(count) for status, count in rows}


async def segments_since(session: AsyncSession, since: datetime) -> int:
    """SMS segments sent since ``since`` (what the provider bills)."""
    query = select(func.coalesce(func.sum(OutboxMessage.segments), 0)).where(
        OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at >= since
    )
    return int((await session.execute(query)).scalar_one() or 0)


async def upcoming(session: AsyncSession, limit: int = 20) -> list[OutboxMessage]:
    """The next rows still to send, soonest first."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def recent_failures(session: AsyncSession, limit: int = 20) -> list[OutboxMessage]:
    """The latest rows that could not be delivered, with their error."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def drop_pending(session: AsyncSession, key_prefix: str) -> None:
    """Drop queued messages whose key starts with ``key_prefix`` (they no longer apply)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.key.startswith(key_prefix),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.DROPPED)
    )


async def release(
    session: AsyncSession, claims: Mapping[int, int], due_at: datetime | None = None
) -> int:
    """Put claimed rows back in the queue (the sender stops, or they wait behind one of the
    person's that failed), due at once or at ``due_at``; return how many.

    ``claims``: row id to claim number; a row claimed again elsewhere meanwhile is left
    alone. The attempt is not counted: nothing was sent, or its outcome was not heard.
    """
    later = {"due_at": due_at} if due_at is not None else {}
    released = 0
    for claim in set(claims.values()):
        ids = [row_id for row_id, number in claims.items() if number == claim]
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), _held(claim))
            .values(
                status=OutboxStatus.PENDING,
                claimed_until=None,
                attempts=OutboxMessage.attempts - 1,
                **later,
            )
        )
        released += _count(result)
    return released


async def due_backlog(session: AsyncSession, now: datetime) -> tuple[int, float]:
    """How many rows wait to be sent now, and how long the oldest has been due (seconds);
    the answers their channel is sending at once are not waiting."""
    waiting = OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
    query = select(func.count(), func.min(OutboxMessage.due_at)).where(
        waiting, OutboxMessage.due_at <= now, ~held_by_channel(now)
    )
    count, oldest = (await session.execute(query)).one()
    if oldest is None:
        return int(count), 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return int(count), max(0.0, (now - oldest).total_seconds())

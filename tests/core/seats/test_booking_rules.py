"""Booking rules on SQLite and PostgreSQL: seats, waiting list, cancelling, offers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.clock import FixedClock
from handlers.machinery.turns import Conversations
from models import Booking, Database, OutboxMessage, WorkshopSession
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings


async def counts(db: Database, session_id: int) -> dict[str, int]:
    """Bookings of a session by status, and the seat counter."""
    async with db.transaction() as session:
        rows = await session.execute(
            select(Booking.status, func.count())
            .where(Booking.session_id == session_id)
            .group_by(Booking.status)
        )
        result = {status: int(n) for status, n in rows}
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        result["seats_taken"] = workshop.seats_taken
        return result


def conversations(db: Database, clock: FixedClock, **settings: object) -> Conversations:
    return Conversations(db, make_settings(db.url, **settings), clock)


async def test_book_then_the_seat_is_counted(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=3)
    marie = Chat(conversations(db, clock), "1")
    await marie.say("bonjour")
    await marie.pick(f"b:{session_id}")
    assert "C'est bien ça ?" in marie.text
    assert "mercredi 6 janvier" in marie.text
    await marie.say("oui")
    assert "C'est réservé" in marie.text
    assert "annuler" in marie.text
    assert await counts(db, session_id) == {"booked": 1, "seats_taken": 1}


async def test_no_twice_the_same_session(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=3)
    marie = Chat(conversations(db, clock), "1")
    await marie.say("bonjour")
    await marie.pick(f"by:{session_id}")
    await marie.pick(f"by:{session_id}")
    assert "déjà inscrit" in marie.text
    await marie.pick(f"w:{session_id}")
    assert "déjà inscrit" in marie.text
    assert await counts(db, session_id) == {"booked": 1, "seats_taken": 1}


async def test_full_session_offers_the_waiting_list(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=1)
    flows = conversations(db, clock)
    first, second, third = Chat(flows, "1"), Chat(flows, "2", name="Ali"), Chat(flows, "3")
    for chat in (first, second, third):
        await chat.say("bonjour")
    await first.pick(f"by:{session_id}")
    await second.pick(f"b:{session_id}")
    assert "complet" in second.text
    await second.press("liste d'attente")
    assert "numéro 1" in second.text
    await third.pick(f"w:{session_id}")
    assert "numéro 2" in third.text
    assert await counts(db, session_id) == {"booked": 1, "waiting": 2, "seats_taken": 1}


async def test_cancel_offers_the_seat_to_the_first_in_line(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=1)
    flows = conversations(db, clock, offer_expiry_minutes=60)
    first, second = Chat(flows, "1"), Chat(flows, "2", name="Ali")
    await first.say("bonjour")
    await second.say("bonjour")
    await first.pick(f"by:{session_id}")
    await second.pick(f"w:{session_id}")
    await first.say("annuler")
    assert "Voulez-vous vraiment annuler" in first.text
    await first.say("oui")
    assert "C'est annulé" in first.text
    async with db.transaction() as session:
        offers = list(
            (
                await session.execute(select(OutboxMessage).where(OutboxMessage.kind != "reminder"))
            ).scalars()
        )
    assert [o.kind for o in offers] == ["waitlist_offer"]
    # The seat is held for Ali: nobody else can take it meanwhile.
    assert await counts(db, session_id) == {"cancelled": 1, "waiting": 1, "seats_taken": 1}
    newcomer = Chat(flows, "3")
    await newcomer.say("bonjour")
    await newcomer.pick(f"by:{session_id}")
    assert "complet" in newcomer.text
    booking_id = offers[0].payload["booking_id"]
    await second.pick(f"oa:{booking_id}")
    assert "C'est réservé" in second.text
    assert await counts(db, session_id) == {"cancelled": 1, "booked": 1, "seats_taken": 1}


async def test_an_offer_expires_and_passes_to_the_next(db: Database, clock: FixedClock) -> None:
    from core.seats.offers import expire_due_offers

    session_id = await add_session(db, capacity=1)
    flows = conversations(db, clock, offer_expiry_minutes=30)
    people = [Chat(flows, str(n)) for n in range(3)]
    for chat in people:
        await chat.say("bonjour")
    await people[0].pick(f"by:{session_id}")
    await people[1].pick(f"w:{session_id}")
    await people[2].pick(f"w:{session_id}")
    await people[0].say("annuler")
    await people[0].say("oui")
    clock.advance(timedelta(minutes=31))
    assert await expire_due_offers(db, clock.now(), 30) == 1
    async with db.transaction() as session:
        kinds = [
            (o.kind, o.person_id)
            for o in (
                await session.execute(
                    select(OutboxMessage)
                    .where(OutboxMessage.kind != "reminder")
                    .order_by(OutboxMessage.id)
                )
            ).scalars()
        ]
    assert [k for k, _ in kinds] == ["waitlist_offer", "offer_expired", "waitlist_offer"]
    assert await counts(db, session_id) == {"cancelled": 2, "waiting": 1, "seats_taken": 1}
    # The late answer of the first in line is politely refused.
    async with db.transaction() as session:
        late = (
            (
                await session.execute(
                    select(Booking).where(Booking.session_id == session_id).order_by(Booking.id)
                )
            )
            .scalars()
            .all()[1]
        )
    await people[1].pick(f"oa:{late.id}")
    assert "plus gardée" in people[1].text


async def test_declining_an_offer_frees_the_seat_when_nobody_waits(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=1)
    flows = conversations(db, clock)
    first, second = Chat(flows, "1"), Chat(flows, "2")
    await first.say("bonjour")
    await second.say("bonjour")
    await first.pick(f"by:{session_id}")
    await second.pick(f"w:{session_id}")
    await first.say("annuler")
    await first.say("oui")
    async with db.transaction() as session:
        offer = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.kind != "reminder"))
        ).scalar_one()
    await second.pick(f"od:{offer.payload['booking_id']}")
    assert "quelqu'un d'autre" in second.text
    assert await counts(db, session_id) == {"cancelled": 2, "seats_taken": 0}


async def test_past_and_cancelled_sessions_are_refused(db: Database, clock: FixedClock) -> None:
    past = await add_session(db, title="Passé", starts_at=clock.now() - timedelta(hours=1))
    cancelled = await add_session(db, title="Annulé")
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, cancelled)
        assert workshop is not None
        workshop.status = "cancelled"
    marie = Chat(conversations(db, clock), "1")
    await marie.say("bonjour")
    await marie.pick(f"by:{past}")
    assert "déjà commencé" in marie.text
    await marie.pick(f"by:{cancelled}")
    assert "est annulé" in marie.text
    await marie.pick("by:999999")
    assert "Je ne trouve pas cet atelier" in marie.text
    assert await counts(db, past) == {"seats_taken": 0}
    assert await counts(db, cancelled) == {"seats_taken": 0}


async def test_old_update_records_are_forgotten(db: Database, clock: FixedClock) -> None:
    from core.seats.housekeeping import forget_old_updates

    marie = Chat(conversations(db, clock), "1", channel="telegram")
    await marie.say("bonjour")
    await marie.say("menu")
    assert await forget_old_updates(db, clock.now()) == 0
    clock.advance(timedelta(days=3))
    assert await forget_old_updates(db, clock.now()) == 2

"""Notices queued in the outbox when a booking changes without the person asking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.booking import Offer, expire_offers
from core.outbox import enqueue
from models import Database

OFFER = "waitlist_offer"
OFFER_EXPIRED = "offer_expired"


async def queue_offer(session: AsyncSession, offer: Offer, now: datetime) -> None:
    """Tell the first person in line that a seat is held for them."""
    booking = offer.booking
    assert booking.offer_expires_at is not None
    await enqueue(
        session,
        key=f"{OFFER}:{booking.id}:{int(booking.offer_expires_at.timestamp())}",
        person_id=booking.person_id,
        kind=OFFER,
        due_at=now,
        payload={"booking_id": booking.id},
    )


async def queue_offer_expired(
    session: AsyncSession, person_id: int, booking_id: int, now: datetime
) -> None:
    """Tell a person their held seat went to the next in line."""
    await enqueue(
        session,
        key=f"{OFFER_EXPIRED}:{booking_id}",
        person_id=person_id,
        kind=OFFER_EXPIRED,
        due_at=now,
        payload={"booking_id": booking_id},
    )


async def expire_due_offers(db: Database, now: datetime, offer_minutes: int) -> int:
    """End offers past their time; tell those people, and offer the seat to the next."""
    async with db.transaction() as session:
        expired = await expire_offers(session, now, offer_minutes)
        for booking, offer in expired:
            await queue_offer_expired(session, booking.person_id, booking.id, now)
            if offer is not None:
                await queue_offer(session, offer, now)
    return len(expired)

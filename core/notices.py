"""Notices queued in the outbox when a booking changes without the person asking.

The booking services queue them themselves (:mod:`core.booking`); the names are here too.
"""

from __future__ import annotations

from datetime import datetime

from core.booking import OFFER, OFFER_EXPIRED, expire_offers, queue_offer, queue_offer_expired
from models import Database

__all__ = ["OFFER", "OFFER_EXPIRED", "expire_due_offers", "queue_offer", "queue_offer_expired"]


async def expire_due_offers(db: Database, now: datetime, offer_minutes: int) -> int:
    """End offers past their time; those people are told, the next in line is offered."""
    async with db.transaction() as session:
        expired = await expire_offers(session, now, offer_minutes)
    return len(expired)

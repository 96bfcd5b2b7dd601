"""Offers of a freed seat that ran out of time: those people are told, the next in line offered."""

from __future__ import annotations

from datetime import datetime

from core.seats.booking import expire_offers
from models import Database


async def expire_due_offers(db: Database, now: datetime, offer_minutes: int) -> int:
    """End offers past their time; those people are told, the next in line is offered."""
    async with db.transaction() as session:
        expired = await expire_offers(session, now, offer_minutes)
    return len(expired)

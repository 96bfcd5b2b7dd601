"""Reads the dashboard needs beyond the organiser services."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.seats.organisations import NETWORK, Scope
from models import Booking, WorkshopSession


async def status_counts(session: AsyncSession, session_ids: list[int]) -> dict[int, Counter[str]]:
    """How many bookings of each status every session has."""
    counts: dict[int, Counter[str]] = {session_id: Counter() for session_id in session_ids}
    if not session_ids:
        return counts
    rows = await session.execute(
        select(Booking.session_id, Booking.status, func.count())
        .where(Booking.session_id.in_(session_ids))
        .group_by(Booking.session_id, Booking.status)
    )
    for session_id, status, count in rows:
        counts[session_id][status] = int(count)
    return counts


async def latest_session(session: AsyncSession, scope: Scope = NETWORK) -> WorkshopSession | None:
    """The session of ``scope`` added last (its venue and address prefill a new one)."""
    query = (
        select(WorkshopSession).where(scope.where()).order_by(WorkshopSession.id.desc()).limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def all_sessions(session: AsyncSession, scope: Scope = NETWORK) -> list[WorkshopSession]:
    """Every session of ``scope``, oldest first."""
    query = (
        select(WorkshopSession)
        .where(scope.where())
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    return list((await session.execute(query)).scalars())

"""Read-only questions about where the upcoming sessions are: their towns, and a page of
sessions with one town's first, then the nearest others.

Sized for a region (1,000 venues, 20,000 sessions): the towns come from the venues (an
index seek each), a page reads the towns that fall on it, nearest first, and counts only
those it skips; distances are computed over the towns, not the sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.places import distance_km
from core.places.names import folded
from core.seats.catalog import upcoming_conditions
from models import SessionStatus, Venue, WorkshopSession


@dataclass(frozen=True, slots=True)
class Town:
    """A town with upcoming sessions: its name, a venue of it (for a button's data), its
    point (the mean of its venues')."""

    name: str
    venue_id: int
    latitude: float | None
    longitude: float | None

    def km_from(self, latitude: float | None, longitude: float | None) -> float | None:
        """The distance from a point, when both are known."""
        if latitude is None or longitude is None:
            return None
        if self.latitude is None or self.longitude is None:
            return None
        return distance_km(latitude, longitude, self.latitude, self.longitude)


@dataclass(frozen=True, slots=True)
class NearbySession:
    """A session of a page, with its town and how far it is when not in the chosen town."""

    session: WorkshopSession
    town: str
    km: float | None


def _towns_query(filtered: bool) -> Select[Any]:
    """The towns of upcoming sessions (of an ``audience`` when ``filtered``), ``now`` a
    bound parameter: built once. The conditions are :func:`upcoming_conditions`'."""
    conditions = [
        WorkshopSession.status == SessionStatus.SCHEDULED,
        WorkshopSession.starts_at > bindparam("now"),
    ]
    if filtered:
        conditions.append(WorkshopSession.audience.in_((bindparam("audience"), "tous")))
    to_come = select(WorkshopSession.id).where(WorkshopSession.venue_id == Venue.id, *conditions)
    return (
        select(Venue.town, func.min(Venue.id), func.avg(Venue.latitude), func.avg(Venue.longitude))
        .where(Venue.town != "", to_come.exists())
        .group_by(Venue.town)
    )


_TOWNS = {filtered: _towns_query(filtered) for filtered in (False, True)}


async def upcoming_towns(
    session: AsyncSession, now: datetime, audience: str | None = None
) -> list[Town]:
    """The towns of upcoming sessions, by name; sessions of no known town are left out.

    One query over the venues, each asking its index (venue, start) whether a session is to
    come: it does not read every session to come. Venues' towns are spelt as the commune is
    when they are created, so the same town is the same string."""
    parameters: dict[str, object] = {"now": now}
    if audience:
        parameters["audience"] = audience
    rows = await session.execute(_TOWNS[bool(audience)], parameters)
    towns = [
        Town(town, int(venue_id), _float(lat), _float(lon)) for town, venue_id, lat, lon in rows
    ]
    return sorted(towns, key=lambda town: folded(town.name))


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _in_group(group: Town | None) -> ColumnElement[bool]:
    """Sessions held in the town ``group``, or (None) in no known town."""
    if group is not None:
        of_town = select(Venue.id).where(Venue.town == group.name).scalar_subquery()
        return WorkshopSession.venue_id.in_(of_town)
    placed = select(Venue.id).where(Venue.town != "").scalar_subquery()
    return WorkshopSession.venue_id.is_(None) | WorkshopSession.venue_id.not_in(placed)


def nearest_first(
    towns: list[Town], latitude: float | None, longitude: float | None, chosen: str = ""
) -> list[Town]:
    """The chosen town first, then by distance from the point (unplaced towns last, by
    name); by name alone when the point is not known."""
    key = folded(chosen)

    def order(town: Town) -> tuple[int, float, str]:
        km = town.km_from(latitude, longitude)
        return (0 if folded(town.name) == key else 1, km if km is not None else 1e9, town.name)

    return sorted(towns, key=order)


async def sessions_near(
    session: AsyncSession,
    now: datetime,
    *,
    town: str,
    latitude: float | None,
    longitude: float | None,
    audience: str | None,
    offset: int,
    limit: int,
    towns: list[Town] | None = None,
) -> tuple[list[NearbySession], int]:
    """A page of upcoming sessions: the chosen town's, soonest first, then each other town's
    by distance, then those of no known town; and how many there are in all. ``towns``, when
    given, are :func:`upcoming_towns` for the same audience (asked once per screen)."""
    if towns is None:
        towns = await upcoming_towns(session, now, audience)
    towns = nearest_first(towns, latitude, longitude, town)
    conditions = upcoming_conditions(now, audience)
    total = int(
        (
            await session.execute(
                select(func.count()).select_from(WorkshopSession).where(*conditions)
            )
        ).scalar_one()
    )
    chosen = folded(town)
    groups: list[Town | None] = [*towns, None]  # None: the sessions of no known town
    page: list[NearbySession] = []
    skip = offset
    for group in groups:
        if len(page) >= limit:
            break
        where = [*conditions, _in_group(group)]
        if skip:  # a later page: whole towns before it are counted, not read
            size = (
                await session.execute(
                    select(func.count()).select_from(WorkshopSession).where(*where)
                )
            ).scalar_one()
            if size <= skip:
                skip -= int(size)
                continue
        found = await session.execute(
            select(WorkshopSession)
            .where(*where)
            .order_by(WorkshopSession.starts_at, WorkshopSession.id)
            .offset(skip)
            .limit(limit - len(page))
        )
        skip = 0
        for workshop in found.scalars():
            if group is None:
                page.append(NearbySession(workshop, "", None))
            else:
                here = folded(group.name) == chosen
                km = None if here else group.km_from(latitude, longitude)
                page.append(NearbySession(workshop, group.name, km))
    return page, total

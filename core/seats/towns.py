"""Read-only questions about where the upcoming sessions are: their towns, and a page of
sessions with one town's first, then the nearest others.

Sized for a region (1,000 venues, 20,000 sessions): one grouped count per town, then one
query per town that falls on the page; distances are computed over the towns, not the
sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.places import distance_km
from core.places.names import folded
from core.seats.catalog import upcoming_conditions
from models import Venue, WorkshopSession


@dataclass(frozen=True, slots=True)
class Town:
    """A town with upcoming sessions: its name, a venue of it (for a button's data), its
    point (the mean of its venues') and how many sessions are to come there."""

    name: str
    venue_id: int
    latitude: float | None
    longitude: float | None
    sessions: int
    venue_ids: tuple[int, ...] = ()

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


async def upcoming_towns(
    session: AsyncSession, now: datetime, audience: str | None = None
) -> list[Town]:
    """The towns of upcoming sessions, by name; sessions of no known town are left out."""
    rows = await session.execute(
        select(
            Venue.town,
            Venue.id,
            Venue.latitude,
            Venue.longitude,
            func.count(WorkshopSession.id),
        )
        .join(Venue, Venue.id == WorkshopSession.venue_id)
        .where(*upcoming_conditions(now, audience), Venue.town != "")
        .group_by(Venue.id)
    )
    grouped: dict[str, list[tuple[int, float | None, float | None, int]]] = {}
    names: dict[str, str] = {}
    for town, venue_id, latitude, longitude, count in rows:
        key = folded(town)
        names.setdefault(key, town)
        grouped.setdefault(key, []).append((venue_id, latitude, longitude, int(count)))
    towns = []
    for key, venues in grouped.items():
        placed = [(lat, lon) for _, lat, lon, _ in venues if lat is not None and lon is not None]
        lat = sum(p[0] for p in placed) / len(placed) if placed else None
        lon = sum(p[1] for p in placed) / len(placed) if placed else None
        ids = tuple(sorted(v[0] for v in venues))
        towns.append(Town(names[key], ids[0], lat, lon, sum(v[3] for v in venues), ids))
    return sorted(towns, key=lambda town: folded(town.name))


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
    placed = sum(t.sessions for t in towns)
    groups: list[tuple[Town | None, int]] = [(t, t.sessions) for t in towns]
    groups.append((None, total - placed))
    page: list[NearbySession] = []
    start = 0
    chosen = folded(town)
    for group, size in groups:
        if len(page) >= limit:
            break
        if offset + len(page) >= start + size:
            start += size
            continue
        skip = max(offset + len(page) - start, 0)
        where: list[ColumnElement[bool]] = list(conditions)
        if group is not None:
            where.append(WorkshopSession.venue_id.in_(group.venue_ids))
        else:
            known = [i for t in towns for i in t.venue_ids]
            where.append(
                WorkshopSession.venue_id.is_(None) | WorkshopSession.venue_id.not_in(known)
            )
        found = await session.execute(
            select(WorkshopSession)
            .where(*where)
            .order_by(WorkshopSession.starts_at, WorkshopSession.id)
            .offset(skip)
            .limit(limit - len(page))
        )
        for workshop in found.scalars():
            if group is None:
                page.append(NearbySession(workshop, "", None))
            else:
                here = folded(group.name) == chosen
                km = None if here else group.km_from(latitude, longitude)
                page.append(NearbySession(workshop, group.name, km))
        start += size
    return page, total

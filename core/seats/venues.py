"""The venues of an imported schedule: found by name and address, or created with their
town, postcode and point (from the file's columns, else read from the address)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.places import read_place, ready, town_and_postcode
from core.seats.organisations import Scope
from models import Venue, WorkshopSession


def venue_key(name: str, address: str) -> str:
    """A venue's identity: its name and address, case and spaces folded."""
    raw = f"{' '.join(name.casefold().split())}|{' '.join(address.casefold().split())}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class VenueFacts:
    """What a schedule's row says of its venue."""

    name: str
    address: str
    town: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    access: str = ""

    @property
    def key(self) -> str:
        """The venue's identity."""
        return venue_key(self.name, self.address)


def placed(facts: VenueFacts) -> Venue:
    """A new venue row: the town and postcode given, else read from the address, and spelt
    as the commune is; the point given, else the commune's (no network call)."""
    town, postcode = facts.town, facts.postcode
    if not town or not postcode:
        read_town, read_postcode = town_and_postcode(facts.address)
        town, postcode = town or read_town, postcode or read_postcode
    latitude, longitude = facts.latitude, facts.longitude
    place = read_place(f"{postcode} {town}") if (town or postcode) else None
    if place is not None:
        town = place.name  # spelt as the commune is: one town, not two, in the question
        if latitude is None or longitude is None:
            latitude, longitude = place.latitude, place.longitude
    return Venue(
        key=facts.key,
        name=facts.name,
        address=facts.address,
        postcode=postcode,
        town=town,
        latitude=latitude,
        longitude=longitude,
        access=facts.access,
    )


async def venue_ids(session: AsyncSession, facts: Iterable[VenueFacts]) -> dict[str, int]:
    """The id of each row's venue, by key, creating the venues not yet known, and placing
    those known without a town or a point (made by the upgrade from the address alone)."""
    wanted = {f.key: f for f in facts}
    known: dict[str, Venue] = {}
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        query = select(Venue).where(Venue.key.in_(keys[start : start + 500]))
        known.update({venue.key: venue for venue in (await session.execute(query)).scalars()})
    unplaced = [v for v in known.values() if not v.town or v.latitude is None]
    new = [wanted[key] for key in keys if key not in known]
    if new or unplaced:
        await ready()
    for venue in unplaced:
        fresh = placed(wanted[venue.key])
        venue.town = venue.town or fresh.town
        venue.postcode = venue.postcode or fresh.postcode
        if venue.latitude is None or venue.longitude is None:
            venue.latitude, venue.longitude = fresh.latitude, fresh.longitude
    created = [placed(facts) for facts in new]
    if created:
        session.add_all(created)
        await session.flush()
    return {key: venue.id for key, venue in {**known, **{v.key: v for v in created}}.items()}


def _seen_by(scope: Scope) -> ColumnElement[bool]:
    """The venues ``scope`` sees: every one for the network, else those where one of its
    sessions is held."""
    if scope.everything:
        return true()
    held = select(WorkshopSession.id).where(WorkshopSession.venue_id == Venue.id, scope.where())
    return held.exists()


async def visible_venue(session: AsyncSession, venue_id: int, scope: Scope) -> Venue | None:
    """The venue, if ``scope`` sees it."""
    query = select(Venue).where(Venue.id == venue_id, _seen_by(scope))
    return (await session.execute(query)).scalar_one_or_none()


async def visible_venues(session: AsyncSession, scope: Scope) -> list[Venue]:
    """The venues ``scope`` sees, by town and name."""
    query = select(Venue).where(_seen_by(scope)).order_by(Venue.town, Venue.name, Venue.id)
    return list((await session.execute(query)).scalars())

"""Venues of an imported schedule: the town from the `ville` / `code_postal` columns, else
read from the address; one venue per name and address; files without them as before."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.schedule.importer import import_schedule
from core.seats.venues import venue_key
from models import Database, Venue, WorkshopSession

PARIS = ZoneInfo("Europe/Paris")


async def venues_and_sessions(db: Database) -> tuple[list[Venue], list[WorkshopSession]]:
    async with db.transaction() as session:
        venues = list((await session.execute(select(Venue).order_by(Venue.id))).scalars())
        sessions = list(
            (await session.execute(select(WorkshopSession).order_by(WorkshopSession.id))).scalars()
        )
    return venues, sessions


async def test_the_town_and_postcode_columns_place_the_venue(db: Database) -> None:
    content = (
        "titre;date;heure;durée;places;lieu;adresse;ville;code_postal;public\n"
        "Smartphone;01/03/2027;14h;90;8;Médiathèque;2 rue de la Gare;Woippy;57140;tous\n"
        "Tablette;02/03/2027;14h;90;8;Médiathèque;2 rue de la Gare;Woippy;57140;tous\n"
        "Ordinateur;03/03/2027;10h;90;8;Centre social;1 place X;thionvile;;tous\n"
    )
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
    assert report.errors == []
    venues, sessions = await venues_and_sessions(db)
    assert [(v.name, v.town, v.postcode) for v in venues] == [
        ("Médiathèque", "Woippy", "57140"),
        ("Centre social", "Thionville", ""),
    ]
    assert venues[0].latitude is not None  # the commune's point, read offline
    assert round(venues[1].latitude or 0) == 49  # Thionville's, read through the typo
    assert [s.venue_id for s in sessions] == [venues[0].id, venues[0].id, venues[1].id]


async def test_without_the_columns_the_town_is_read_from_the_address(db: Database) -> None:
    content = (
        "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
        'A,D,tous,2027-03-01T14:00,90,8,Boutique,"Angle rue Serpenoise, 57000 Metz"\n'
        'B,D,tous,2027-03-02T14:00,90,8,Mairie,"1 place de la Mairie"\n'
    )
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
    assert (report.created, report.errors) == (2, [])
    venues, sessions = await venues_and_sessions(db)
    assert [(v.town, v.postcode) for v in venues] == [("Metz", "57000"), ("", "")]
    assert venues[1].latitude is None  # nowhere to read it from: no town, no question
    assert sessions[0].address == "Angle rue Serpenoise, 57000 Metz"  # kept as written


async def test_importing_twice_keeps_one_venue(db: Database) -> None:
    content = (
        "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
        'A,D,tous,2027-03-01T14:00,90,8,Boutique,"1 rue X, 57000 Metz"\n'
    )
    for _ in range(2):
        async with db.transaction() as session:
            await import_schedule(session, content, PARIS)
    venues, sessions = await venues_and_sessions(db)
    assert len(venues) == 1
    assert [s.venue_id for s in sessions] == [venues[0].id]


async def test_a_venue_known_without_its_point_is_placed_at_the_next_import(
    db: Database,
) -> None:
    """A venue made by the upgrade from the address alone (no point) gets its commune's
    point when the schedule is imported again."""
    name, address = "Boutique", "1 rue X, 57000 Metz"
    async with db.transaction() as session:
        session.add(Venue(key=venue_key(name, address), name=name, address=address, town="Metz"))
    content = (
        "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
        f'A,D,tous,2027-03-01T14:00,90,8,{name},"{address}"\n'
    )
    async with db.transaction() as session:
        await import_schedule(session, content, PARIS)
    venues, sessions = await venues_and_sessions(db)
    assert len(venues) == 1
    assert round(venues[0].latitude or 0, 1) == 49.1
    assert venues[0].postcode == "57000"
    assert sessions[0].venue_id == venues[0].id

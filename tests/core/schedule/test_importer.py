"""Schedule import: all rows or none, bad lines reported with their number, idempotent."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.schedule.importer import import_schedule, parse_schedule
from models import Database, WorkshopSession
from tests.support.factories import DATA

PARIS = ZoneInfo("Europe/Paris")
HEADER = "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
GOOD = 'Atelier,Desc,seniors,2027-03-01T14:00,90,8,Boutique,"1 rue X, Metz"\n'


async def session_count(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count(WorkshopSession.id)))).scalar_one())


async def test_the_sample_file_imports_once(db: Database) -> None:
    content = (DATA / "metz-workshops.csv").read_text(encoding="utf-8")
    async with db.transaction() as session:
        first = await import_schedule(session, content, PARIS)
    async with db.transaction() as session:
        second = await import_schedule(session, content, PARIS)
    assert (first.created, first.errors) == (8, [])
    assert (second.created, second.updated, second.unchanged) == (0, 0, 8)
    assert await session_count(db) == 8
    async with db.transaction() as session:
        first_session = (
            (await session.execute(select(WorkshopSession).order_by(WorkshopSession.starts_at)))
            .scalars()
            .first()
        )
    assert first_session is not None
    # 14:00 in Metz in January is 13:00 UTC.
    assert first_session.starts_at.astimezone(PARIS).hour == 14
    assert first_session.starts_at.hour == 13


async def test_one_bad_row_imports_nothing(db: Database) -> None:
    content = HEADER + GOOD + "Atelier 2,Desc,seniors,06/01/2027 14h,90,8,Boutique,Metz\n"
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
    assert report.created == 0
    assert [e.line for e in report.errors] == [3]
    assert "starts_at" in report.errors[0].message
    assert await session_count(db) == 0


def test_every_kind_of_bad_row_is_reported_with_its_line() -> None:
    content = (
        HEADER
        + ",Desc,seniors,2027-03-01T14:00,90,8,Boutique,Metz\n"  # 2: no title
        + "A,Desc,martiens,2027-03-01T14:00,90,8,Boutique,Metz\n"  # 3: audience
        + "B,Desc,tous,2027-03-01T14:00,-5,8,Boutique,Metz\n"  # 4: duration
        + "C,Desc,tous,2027-03-01T14:00,90,beaucoup,Boutique,Metz\n"  # 5: capacity
        + "D,Desc,tous,2027-03-01T14:00,90,8\n"  # 6: too few fields
        + "E,Desc,tous,2027-03-01T14:00,90,8,Boutique,Metz,extra\n"  # 7: too many
        + GOOD
        + GOOD  # 9: the same session twice
    )
    rows, errors = parse_schedule(content, PARIS)
    assert [e.line for e in errors] == [2, 3, 4, 5, 6, 7, 9]
    assert len(rows) == 1


def test_a_missing_column_is_reported_on_line_one() -> None:
    _, errors = parse_schedule("title,starts_at\nA,2027-03-01T14:00\n", PARIS)
    assert errors[0].line == 1
    assert "capacity" in errors[0].message


def test_quoted_multiline_cells_keep_line_numbers_right() -> None:
    content = (
        HEADER
        + 'A,"two\nlines",tous,2027-03-01T14:00,90,8,Boutique,Metz\n'
        + ("B,Desc,tous,not-a-date,90,8,Boutique,Metz\n")
    )
    _, errors = parse_schedule(content, PARIS)
    assert [e.line for e in errors] == [4]


async def test_an_optional_bring_column_says_what_to_bring(db: Database) -> None:
    content = (
        HEADER.rstrip("\n")
        + ",bring\n"
        + 'Atelier,Desc,seniors,2027-03-01T14:00,90,8,Boutique,Metz,"Votre téléphone, chargé"\n'
    )
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
    assert (report.created, report.errors) == (1, [])
    async with db.transaction() as session:
        workshop = (await session.execute(select(WorkshopSession))).scalar_one()
    assert workshop.bring == "Votre téléphone, chargé"

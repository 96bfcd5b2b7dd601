"""Hostile or huge schedule files: refused before they are read, or read in a worker that
has a memory and a time limit; the bot's process survives, and the organiser is told why."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from python_calamine import CalamineWorkbook

from core.clock import FixedClock
from core.schedule.importer import import_schedule, parse_schedule
from models import Database, WorkshopSession
from tests.core.schedule.test_schedule_files import FRENCH, upload
from tests.support.dashboard import dashboard_settings, running_dashboard

PARIS = ZoneInfo("Europe/Paris")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)

ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def xlsx_with(sheet_data: str, dimension: str) -> bytes:
    """A minimal .xlsx whose one sheet holds ``sheet_data``, written by hand with zipfile."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", XLSX_TYPES)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
            '<sheet name="Planning" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>",
        )
    return buffer.getvalue()


def two_corners() -> bytes:
    """A1 and XFD1048576 filled: a reader that makes room for the rectangle asks 512 GiB."""
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>titre</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    return xlsx_with(cells, "A1:XFD1048576")


def ods_with(rows: str) -> bytes:
    """A minimal .ods whose one table holds ``rows``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Planning">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        mimetype = "application/vnd.oasis.opendocument.spreadsheet"
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    return buffer.getvalue()


def ods_repeated(rows: int, columns: int) -> bytes:
    """One filled cell repeated ``columns`` times, in a row repeated ``rows`` times."""
    return ods_with(
        '<table:table-row><table:table-cell office:value-type="string">'
        "<text:p>titre</text:p></table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" '
        'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )


def run_import(tmp_path: Path, name: str, content: bytes) -> subprocess.CompletedProcess[str]:
    """``atelier import`` on ``content``, in a process of its own (which may not abort)."""
    path = tmp_path / name
    path.write_bytes(content)
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    command = [sys.executable, "-m", "bot", "import", str(path)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_a_sheet_declaring_its_far_corner_is_refused_without_a_crash(tmp_path: Path) -> None:
    content = two_corners()
    assert len(content) < 5_000
    result = run_import(tmp_path, "coins.xlsx", content)
    assert result.returncode == 1, result.stderr[-500:]
    assert "Ligne 1 : La feuille va jusqu'à la ligne 1048576." in result.stderr
    assert "100000 lignes au plus." in result.stderr


def test_an_ods_with_huge_repeats_is_refused_by_its_limit(tmp_path: Path) -> None:
    content = ods_repeated(100_000, 1_000)
    assert len(content) < 1_500
    result = run_import(tmp_path, "repete.ods", content)
    assert result.returncode == 1, result.stderr[-500:]
    assert "La feuille va jusqu'à la ligne 100001." in result.stderr
    # Fewer rows, as many cells: the count of cells is the limit named.
    _, errors = parse_schedule(ods_repeated(10_000, 1_000), PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (1, "Le fichier a trop de cases : 2000000 au plus. "
            "Gardez seulement les lignes et les colonnes du planning.")
    ]  # fmt: skip
    _, errors = parse_schedule(ods_repeated(10, 5_000), PARIS)
    assert "La feuille va jusqu'à la colonne 5000." in errors[0].message


def test_empty_cells_repeated_to_the_sheets_end_are_fine() -> None:
    """What spreadsheet programs write after the last row: empty, repeated to the end."""
    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{name}</text:p></table:table-cell>'
        for name in FRENCH
    )
    row = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
        for value in ["A", "", "tous", "06/01/2027", "14:30", "90", "8", "Lieu", "Adresse"]
    )
    tail = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    content = ods_with(f"<table:table-row>{header}</table:table-row>"
                       f"<table:table-row>{row}</table:table-row>{tail}")  # fmt: skip
    rows, errors = parse_schedule(content, PARIS)
    assert (len(rows), errors) == (1, [])


def test_a_zip_bomb_is_refused_by_its_unpacked_size() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b" " * (120 * 2**20))
    content = buffer.getvalue()
    assert len(content) < 200_000
    _, errors = parse_schedule(content, PARIS)
    assert [e.message for e in errors] == [
        "Une fois ouvert, ce fichier ferait plus de 50 Mo. C'est trop. "
        "Gardez seulement la feuille du planning."
    ]


def calamine_whole(content: bytes) -> int:
    """Read a sheet with no bounds checked first (what the worker's limit must stop)."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return len(sheet.to_python(skip_empty_area=False))


def sleep_long() -> None:
    time.sleep(60)


def grow(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


async def test_the_worker_stops_what_slips_past_the_bounds() -> None:
    from core.schedule.worker import Limits, TooHeavy, TooSlow, run_apart

    limits = Limits(memory_bytes=512 * 2**20, seconds=20)
    # The reader aborts its process when an allocation fails: only the worker goes.
    with pytest.raises(TooHeavy):
        await run_apart(calamine_whole, two_corners(), limits=limits)
    with pytest.raises(TooHeavy):
        await run_apart(grow, 1_024, limits=limits)
    assert await run_apart(grow, 16, limits=limits) == 16 * 2**20
    started = time.monotonic()
    with pytest.raises(TooSlow):
        await run_apart(sleep_long, limits=Limits(seconds=0.5))
    assert time.monotonic() - started < 10


NOTES = 20


def column_letters(number: int) -> str:
    """1 is A, 27 is AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def xlsx_rows(rows: list[list[object]]) -> bytes:
    """An .xlsx of ``rows``, written quickly by hand (numbers as numbers, text inline)."""
    xml = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row, start=1):
            at = f"{column_letters(column)}{number}"
            if isinstance(value, int):
                cells.append(f'<c r="{at}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{at}" t="inlineStr"><is><t>{value}</t></is></c>')
        xml.append(f'<row r="{number}">{"".join(cells)}</row>')
    last = f"{column_letters(len(rows[0]))}{len(rows)}"
    return xlsx_with("".join(xml), f"A1:{last}")


def many_sessions(count: int, extra_lines: int = 0) -> bytes:
    """An honest sheet of ``count`` sessions with notes in more columns, which the import
    leaves aside; then ``extra_lines`` lines of notes alone. Reading it takes seconds."""
    notes = [f"Note {number}" for number in range(NOTES)]
    rows: list[list[object]] = [FRENCH + notes]
    for index in range(count):
        rows.append([f"Atelier {index}", "Les gestes de base, à son rythme", "tous",
                     f"{1 + index % 28:02d}/{1 + index // 28 % 12:02d}/{2027 + index // 336}",
                     "14:30", 90, 8, "Boutique", "Rue Serpenoise, Metz", *notes])  # fmt: skip
    rows += [[""] * len(FRENCH) + notes for _ in range(extra_lines)]
    return xlsx_rows(rows)


async def test_the_bot_answers_others_while_a_big_file_is_read(db: Database) -> None:
    """The file is read off the event loop: others' work goes on during the read. How long
    the loop ever waits is a benchmark's figure (``bench.import_files``), not a test's."""
    content = many_sessions(5_000, extra_lines=20_000)
    ticks = 0
    reading = True

    async def tick() -> None:
        """What everyone else does meanwhile: a turn of the event loop, again and again."""
        nonlocal ticks
        while reading:
            await asyncio.sleep(0.005)
            ticks += 1

    ticking = asyncio.create_task(tick())
    await asyncio.sleep(0.02)
    before = ticks
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
    during = ticks - before
    reading = False
    await ticking
    assert [(e.line, e.message) for e in report.errors] == [
        (5_002, "Le fichier a trop de lignes : 5000 au plus.")
    ]
    assert during >= 10, f"the event loop turned {during} times while the file was read"


async def test_the_dashboard_refuses_a_hostile_sheet_and_goes_on(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with running_dashboard(dashboard_settings(sqlite_url), clock) as dashboard:
        await dashboard.login()
        response = await upload(dashboard, "planning.ods", ods_repeated(100_000, 1_000))
        assert response.status_code == 400
        assert "La feuille va jusqu&#39;à la ligne 100001." in response.text
        assert (await dashboard.get("/import")).status_code == 200
        assert await dashboard.count(WorkshopSession) == 0


async def test_a_refused_file_changes_nothing(db: Database) -> None:
    async with db.transaction() as session:
        report = await import_schedule(session, two_corners(), PARIS)
    assert report.created == 0
    assert "100000 lignes au plus" in report.errors[0].message


async def test_a_file_too_big_is_refused_before_it_is_read(db: Database) -> None:
    content = b"titre;public\n" + b"x" * (20 * 2**20)
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
    assert [(e.line, e.message) for e in report.errors] == [
        (1, "Le fichier est trop gros : 20 Mo au plus.")
    ]

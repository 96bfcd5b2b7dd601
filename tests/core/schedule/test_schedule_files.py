"""Schedules as organisers have them: sheets made by openpyxl and odfpy, CSV from French
Excel (Windows-1252, ``;``), French headers, dates and durations; French messages."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time as time_module
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from sqlalchemy import select

from core.clock import FixedClock
from core.schedule.exports import schedule_template
from core.schedule.importer import import_schedule, parse_schedule
from core.schedule.values import plain
from models import Database, WorkshopSession
from tests.support.dashboard import Dashboard, dashboard_settings, running_dashboard

PARIS = ZoneInfo("Europe/Paris")
FRENCH = ["Titre", "Description", "Public", "Date", "Heure", "Durée", "Places", "Lieu", "Adresse"]
ROWS = [
    ["Écrire un e-mail", "Envoyer, répondre", "Seniors", "06/01/2027", "14h30", "1h30", "8",
     "Médiathèque", "2 rue Haute, Metz"],
    ["Les réseaux sociaux", "", "jeunes", "07/01/2027", "10:00", "90", "12",
     "Boutique Orange", "Rue Serpenoise, Metz"],
]  # fmt: skip


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    """A CSV file as the csv module writes it, in ``encoding``."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An .xlsx sheet written by openpyxl."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_cell(value: object) -> TableCell:
    """One ODF cell: dates, times and numbers typed as LibreOffice types them."""
    if isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, time):
        cell = TableCell(valuetype="time", timevalue=f"PT{value.hour}H{value.minute}M00S")
    elif isinstance(value, int):
        cell = TableCell(valuetype="float", value=str(value))
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def ods_bytes(rows: list[list[object]]) -> bytes:
    """An .ods sheet written by odfpy."""
    document = OpenDocumentSpreadsheet()
    table = Table(name="Planning")
    for row in rows:
        line = TableRow()
        for value in row:
            line.addElement(ods_cell(value))
        table.addElement(line)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def typed_rows() -> list[list[object]]:
    """The rows with real dates, times and numbers, as a sheet stores them."""
    return [
        ["Écrire un e-mail", "Envoyer", "seniors", date(2027, 1, 6), time(14, 30), 90, 8,
         "Médiathèque", "2 rue Haute, Metz"],
        ["Les réseaux sociaux", "", "Jeunes", date(2027, 1, 7), time(10), 90, 12,
         "Boutique Orange", "Rue Serpenoise, Metz"],
    ]  # fmt: skip


async def imported(db: Database, content: bytes) -> list[WorkshopSession]:
    async with db.transaction() as session:
        report = await import_schedule(session, content, PARIS)
    assert report.errors == []
    assert report.created == 2
    async with db.transaction() as session:
        query = select(WorkshopSession).order_by(WorkshopSession.starts_at)
        return list((await session.execute(query)).scalars())


def local(workshop: WorkshopSession) -> datetime:
    return workshop.starts_at.astimezone(PARIS)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "cp1252"), (";", "utf-8-sig"), ("\t", "utf-8"), (",", "utf-8"), (",", "cp1252")],
)
async def test_csv_from_french_excel_imports(db: Database, delimiter: str, encoding: str) -> None:
    sessions = await imported(db, csv_bytes([FRENCH, *ROWS], delimiter, encoding))
    first, second = sessions
    assert first.title == "Écrire un e-mail"
    assert local(first) == datetime(2027, 1, 6, 14, 30, tzinfo=PARIS)
    assert first.duration_minutes == 90
    assert first.audience == "seniors"
    assert first.venue == "Médiathèque"
    assert local(second) == datetime(2027, 1, 7, 10, 0, tzinfo=PARIS)
    assert second.capacity == 12


async def test_a_sheet_made_by_openpyxl_imports(db: Database) -> None:
    sessions = await imported(db, xlsx_bytes([FRENCH, *typed_rows()]))
    assert [local(w) for w in sessions] == [
        datetime(2027, 1, 6, 14, 30, tzinfo=PARIS),
        datetime(2027, 1, 7, 10, tzinfo=PARIS),
    ]
    assert [w.audience for w in sessions] == ["seniors", "jeunes"]
    assert sessions[0].description == "Envoyer"


async def test_a_sheet_with_text_cells_imports(db: Database) -> None:
    sessions = await imported(db, xlsx_bytes([FRENCH, *ROWS]))
    assert sessions[0].duration_minutes == 90


async def test_a_sheet_made_by_odfpy_imports(db: Database) -> None:
    sessions = await imported(db, ods_bytes([FRENCH, *typed_rows()]))
    assert [local(w) for w in sessions] == [
        datetime(2027, 1, 6, 14, 30, tzinfo=PARIS),
        datetime(2027, 1, 7, 10, tzinfo=PARIS),
    ]
    assert sessions[1].capacity == 12


async def test_headers_in_any_order_and_case_without_accents(db: Database) -> None:
    header = ["ADRESSE", "lieu", "places", "duree", "heure", "date", "public", "titre", "acces"]
    row = ["Rue X, Metz", "Boutique", "8", "2 h", "9h", "6/1/2027", "tout public", "Atelier",
           "À l'accueil, demandez Paul"]  # fmt: skip
    async with db.transaction() as session:
        report = await import_schedule(session, csv_bytes([header, row], ";", "cp1252"), PARIS)
    assert (report.created, report.errors) == (1, [])
    async with db.transaction() as session:
        workshop = (await session.execute(select(WorkshopSession))).scalar_one()
    assert (workshop.duration_minutes, workshop.audience) == (120, "tous")
    assert local(workshop) == datetime(2027, 1, 6, 9, 0, tzinfo=PARIS)
    assert workshop.access == "À l'accueil, demandez Paul"
    assert workshop.description == ""


@pytest.mark.parametrize(
    ("text", "minutes"), [("90", 90), ("1h30", 90), ("1 h 30", 90), ("2h", 120), ("45 min", 45)]
)
def test_durations_as_organisers_write_them(text: str, minutes: int) -> None:
    row = ["A", "", "tous", "06/01/2027", "14:30", text, "8", "Lieu", "Adresse"]
    rows, errors = parse_schedule(csv_bytes([FRENCH, row], ";", "utf-8"), PARIS)
    assert errors == []
    assert rows[0].duration_minutes == minutes


def test_every_bad_line_is_listed_in_french_and_nothing_kept() -> None:
    good = ROWS[0]
    rows = [
        FRENCH,
        good,
        ["B", "", "tous", "31/02/2027", "14:30", "90", "8", "Lieu", "Adresse"],  # 3
        ["C", "", "tous", "06/01/2027", "25h00", "90", "8", "Lieu", "Adresse"],  # 4
        ["D", "", "tous", "06/01/2027", "14:30", "une heure", "8", "Lieu", "Adresse"],  # 5
        ["E", "", "martiens", "06/01/2027", "14:30", "90", "8", "Lieu", "Adresse"],  # 6
        ["", "", "tous", "06/01/2027", "14:30", "90", "0", "Lieu", "Adresse"],  # 7
        ["G", "", "tous", "06/01/2027", "14:30", "90", "huit", "Lieu", "Adresse"],  # 8
    ]
    kept, errors = parse_schedule(csv_bytes(rows, ";", "cp1252"), PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (3, "La date « 31/02/2027 » est illisible. Écrivez-la comme 06/01/2027."),
        (4, "L'heure « 25h00 » est illisible. Écrivez-la comme 14:30 ou 14h30."),
        (5, "La durée « une heure » est illisible. Écrivez des minutes, comme 90, ou 1h30."),
        (6, "Public inconnu : « martiens ». "
            "Choisissez parmi : seniors, jeunes, parents, entrepreneurs, tous."),
        (7, "La case « Titre » est vide."),
        (8, "La case « Places » doit être un nombre entier, pas « huit »."),
    ]  # fmt: skip
    assert str(errors[0]).startswith("Ligne 3 : La date")
    assert len(kept) == 1


def test_a_control_character_in_a_sheet_is_refused() -> None:
    row = ["Atelier\x7f", "", "tous", date(2027, 1, 6), time(14), 90, 8, "Lieu", "Adresse"]
    _, errors = parse_schedule(xlsx_bytes([FRENCH, row]), PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (2, "La case « Titre » contient un caractère invisible interdit.")
    ]


def test_sheet_errors_carry_the_row_number_the_organiser_sees() -> None:
    bad = ["B", "", "tous", "06/01/2027", "14:30", "90", "0", "Lieu", "Adresse"]
    _, errors = parse_schedule(xlsx_bytes([FRENCH, ROWS[0], [], bad]), PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (4, "La case « Places » doit être entre 1 et 10000, pas 0.")
    ]


@pytest.mark.parametrize("inside", ["\r", "\n", "\r\n"])
def test_a_line_break_inside_a_quoted_cell_does_not_shift_the_errors(inside: str) -> None:
    head = ";".join(FRENCH)
    cell_break = f'A;"deux{inside}lignes";tous;06/01/2027;14:30;90;8;Lieu;Adresse'
    bad_here = f'B;"trois{inside}lignes";tous;06/01/2027;14:30;90;zéro;Lieu;Adresse'
    bad_after = "C;;tous;06/01/2027;14:30;90;8;;Adresse"
    content = "\r\n".join([head, cell_break, bad_here, bad_after]) + "\r\n"
    _, errors = parse_schedule(content.encode("cp1252"), PARIS)
    # Each quoted break ends a line of the file: the rows start on lines 2, 4 and 6; the
    # break itself is kept, as a line break, in the description.
    assert [e.line for e in errors] == [4, 6]


def test_a_file_that_is_no_schedule_gets_a_kind_answer() -> None:
    _, errors = parse_schedule(b"PK\x03\x04 not really a sheet", PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (1, "Ce fichier ne peut pas être lu. Enregistrez-le en CSV, en .xlsx ou en .ods.")
    ]
    _, errors = parse_schedule(b"", PARIS)
    assert [e.message for e in errors] == ["Le fichier est vide."]


async def test_the_template_sheet_imports_as_it_is(db: Database) -> None:
    template = schedule_template(date(2027, 3, 4))
    sheet = openpyxl.load_workbook(io.BytesIO(template)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:9] == [name.casefold() for name in FRENCH]
    async with db.transaction() as session:
        report = await import_schedule(session, template, PARIS)
    assert (report.created, report.errors) == (1, [])
    async with db.transaction() as session:
        workshop = (await session.execute(select(WorkshopSession))).scalar_one()
    assert local(workshop) == datetime(2027, 3, 4, 14, 30, tzinfo=PARIS)
    assert workshop.bring
    assert workshop.access


async def test_the_dashboard_offers_the_template_and_takes_sheets(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with running_dashboard(dashboard_settings(sqlite_url), clock) as dashboard:
        await dashboard.login()
        page = await dashboard.get("/import")
        assert "/import/modele.xlsx" in page.text
        template = await dashboard.get("/import/modele.xlsx")
        assert template.status_code == 200
        assert template.content.startswith(b"PK")
        response = await upload(dashboard, "planning.ods", ods_bytes([FRENCH, *typed_rows()]))
        assert response.status_code == 303, response.text
        assert await dashboard.count(WorkshopSession) == 2
        bad = csv_bytes([FRENCH, ["", *ROWS[0][1:]]], ";", "cp1252")
        refused = await upload(dashboard, "planning.csv", bad)
        assert refused.status_code == 400
        assert "Ligne 2" in refused.text
        assert "est vide." in refused.text


async def upload(dashboard: Dashboard, name: str, content: bytes) -> httpx.Response:
    token = await dashboard.token("/import")
    return await dashboard.client.post(
        dashboard.url("/import"),
        data={"csrf_token": token},
        files={"schedule": (name, content, "application/octet-stream")},
    )


def test_atelier_import_reads_an_xlsx_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "planning.xlsx"
    sheet.write_bytes(xlsx_bytes([FRENCH, *typed_rows()]))
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    command = [sys.executable, "-m", "bot", "import", str(sheet)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 created")
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout.startswith("0 created, 0 updated, 2 unchanged")


def test_unicode_text_from_excel_imports() -> None:
    """Excel's "Texte Unicode": UTF-16 with a byte-order mark, tab-separated."""
    rows, errors = parse_schedule(csv_bytes([FRENCH, *ROWS], "\t", "utf-16"), PARIS)
    assert errors == []
    assert [row.title for row in rows] == ["Écrire un e-mail", "Les réseaux sociaux"]


def test_a_file_of_more_than_5000_sessions_is_refused_whole() -> None:
    many = [
        [f"Atelier {i}", "", "tous", "06/01/2027", "14:30", "90", "8", "Lieu", "Adresse"]
        for i in range(5_001)
    ]
    _, errors = parse_schedule(csv_bytes([FRENCH, *many], ";", "utf-8"), PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (5_002, "Le fichier a trop de lignes : 5000 au plus.")
    ]
    fine, none = parse_schedule(csv_bytes([FRENCH, *many[:5_000]], ";", "utf-8"), PARIS)
    assert (len(fine), none) == (5_000, [])


async def test_a_date_and_time_in_one_column_imports(db: Database) -> None:
    header = ["Titre", "Public", "Date et heure", "Durée en minutes", "Nombre de places",
              "Lieu de l'atelier", "Adresse du lieu"]  # fmt: skip
    sheet = xlsx_bytes(
        [
            header,
            ["A", "tous", datetime(2027, 1, 6, 14, 30), 90, 8, "Boutique", "Metz"],  # noqa: DTZ001
            ["B", "tous", "07/01/2027 à 10h", 60, 8, "Boutique", "Metz"],
        ]
    )
    async with db.transaction() as session:
        report = await import_schedule(session, sheet, PARIS)
    assert (report.created, report.errors) == (2, [])
    async with db.transaction() as session:
        query = select(WorkshopSession).order_by(WorkshopSession.starts_at)
        starts = [local(w) for w in (await session.execute(query)).scalars()]
    assert starts == [
        datetime(2027, 1, 6, 14, 30, tzinfo=PARIS),
        datetime(2027, 1, 7, 10, tzinfo=PARIS),
    ]


def test_a_date_without_a_time_says_what_to_add() -> None:
    header = ["titre", "public", "date", "durée", "places", "lieu", "adresse"]
    row = ["A", "tous", "06/01/2027", "90", "8", "Lieu", "Adresse"]
    _, errors = parse_schedule(csv_bytes([header, row], ";", "utf-8"), PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (2, "La case « date » n'a pas d'heure. Ajoutez une colonne « heure ».")
    ]


def test_an_ods_written_without_value_types_is_read_as_text() -> None:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Planning")
    for values in [FRENCH, ROWS[0], [], ROWS[1]]:
        line = TableRow()
        for value in values:
            cell = TableCell()  # no office:value-type, as a quick script may write it
            cell.addElement(P(text=value))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.save(buffer)
    rows, errors = parse_schedule(buffer.getvalue(), PARIS)
    assert errors == []
    assert [(row.line, row.title) for row in rows] == [
        (2, "Écrire un e-mail"),
        (4, "Les réseaux sociaux"),
    ]


def test_excel_separator_line_is_honoured() -> None:
    content = b"sep=;\r\n" + csv_bytes([FRENCH, ROWS[0], ["", *ROWS[1][1:]]], ";", "cp1252")
    rows, errors = parse_schedule(content, PARIS)
    assert [row.line for row in rows] == [3]
    assert [error.line for error in errors] == [4]


def test_a_time_the_clocks_skip_is_refused_with_its_line() -> None:
    """2027-03-28: in Paris, clocks go from 02:00 to 03:00; 02:30 does not exist."""
    skipped = ["A", "", "tous", "28/03/2027", "02:30", "90", "8", "Lieu", "Adresse"]
    iso = "title,audience,starts_at,duration_minutes,capacity,venue,address\n" + (
        "B,tous,2027-03-28T02:30,90,8,Lieu,Adresse\n"
    )
    _, errors = parse_schedule(csv_bytes([FRENCH, ROWS[0], skipped], ";", "utf-8"), PARIS)
    assert [(e.line, e.message) for e in errors] == [
        (3, "L'heure « 28/03/2027 02:30 » n'existe pas : ce jour-là, on passe à l'heure d'été. "
            "Choisissez une autre heure.")
    ]  # fmt: skip
    _, errors = parse_schedule(iso, PARIS)
    assert [e.line for e in errors] == [2]
    # The hour after is read as written.
    fine, none = parse_schedule(iso.replace("T02:30", "T03:30"), PARIS)
    assert none == []
    assert fine[0].starts_at.astimezone(PARIS).hour == 3


def mixed_utf8(cp1252_line: int) -> bytes:
    """A UTF-8 file in which one line was saved in Windows-1252 (pasted from elsewhere);
    its header has no accent, so that nothing else gives the mix away."""
    plain_header = [plain(name) for name in FRENCH]
    lines = [
        csv_bytes([row], ";", "cp1252" if number == cp1252_line else "utf-8")
        for number, row in enumerate(
            [plain_header, *ROWS, ["Café numérique", *ROWS[1][1:]]], start=1
        )
    ]
    return b"".join(lines)


async def test_a_file_in_two_encodings_is_refused_and_the_fixed_file_imports_once(
    db: Database,
) -> None:
    mixed = mixed_utf8(cp1252_line=4)
    async with db.transaction() as session:
        report = await import_schedule(session, mixed, PARIS)
    assert [(e.line, e.message) for e in report.errors] == [
        (4, "Les lettres de cette ligne ne sont pas écrites comme le reste du fichier. "
            "Les accents seraient abîmés. "
            "Enregistrez le fichier en « CSV UTF-8 », puis importez-le à nouveau.")
    ]  # fmt: skip
    fixed = mixed_utf8(cp1252_line=0)
    for created in (3, 0):
        async with db.transaction() as session:
            report = await import_schedule(session, fixed, PARIS)
        assert (report.errors, report.created) == ([], created)
    async with db.transaction() as session:
        titles = sorted((await session.execute(select(WorkshopSession.title))).scalars())
    assert titles == ["Café numérique", "Les réseaux sociaux", "Écrire un e-mail"]


def test_a_windows_1252_file_with_a_utf8_line_names_that_line() -> None:
    """The reverse: a French Excel file with one line pasted in UTF-8."""
    lines = [
        csv_bytes([row], ";", "utf-8" if number == 3 else "cp1252")
        for number, row in enumerate([FRENCH, *ROWS, ["Café numérique", *ROWS[0][1:]]], start=1)
    ]
    _, errors = parse_schedule(b"".join(lines), PARIS)
    assert [e.line for e in errors] == [3]
    # One line holding both ways is named too.
    both = (
        csv_bytes([FRENCH], ";", "utf-8")
        + "Café;".encode()
        + csv_bytes([["numérique", *ROWS[0][2:]]], ";", "cp1252")
    )
    _, errors = parse_schedule(both, PARIS)
    assert [e.line for e in errors] == [2]


def test_a_huge_date_cell_is_refused_at_once() -> None:
    """A cell of spaces between a date and a letter cost cubic time (1,000 spaces: 16 s)."""
    started = time_module.perf_counter()
    for cell in ("06/01/2027" + " " * 20_000 + "x", "1 1:" * 5_000 + "\n1"):
        row = ["Atelier", "", "tous", cell, "", "90", "8", "Lieu", "Adresse"]
        _, errors = parse_schedule(csv_bytes([FRENCH, row], ";", "utf-8"), PARIS)
        assert [e.line for e in errors] == [2]
        assert "La date" in errors[0].message
    assert time_module.perf_counter() - started < 60  # milliseconds now; it was hours

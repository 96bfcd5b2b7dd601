"""Every export's cells, CSV and .xlsx alike: no cell a spreadsheet would run as a formula.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
with ``'`` (OWASP's advice against CSV injection), so a first name such as
``=HYPERLINK(...)`` stays text. CSV is written with the csv module's quoting and CR LF line
ends, so a carriage return inside a name is quoted and never splits a row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_DELIMITER = ";"
"""What French Excel splits columns on."""

Row = Mapping[str, object]


def neutralise(value: object) -> str:
    """The cell's text, with ``'`` in front when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[str], rows: Iterable[Row], *, delimiter: str = ",") -> str:
    """A header row and the rows, every cell neutralised, CR LF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow([neutralise(column) for column in columns])
    writer.writerows([neutralise(row.get(column)) for column in columns] for row in rows)
    return buffer.getvalue()


def excel_csv(columns: Sequence[str], rows: Iterable[Row]) -> bytes:
    """CSV that French Excel opens in columns: ``;``, a UTF-8 byte-order mark, CR LF."""
    return csv_text(columns, rows, delimiter=EXCEL_DELIMITER).encode("utf-8-sig")


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Row], title: str = "Inscriptions") -> bytes:
    """An .xlsx workbook of one sheet: a header row and the rows, every cell as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([_sheet_text(column) for column in columns])
    for row in rows:
        sheet.append([_sheet_text(row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_text(value: object) -> str:
    # XML cannot hold most control characters; openpyxl refuses them rather than drop them.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))


TEMPLATE_COLUMNS = (
    "titre",
    "description",
    "public",
    "date",
    "heure",
    "durée",
    "places",
    "lieu",
    "adresse",
    "apporter",
    "accès",
)


def schedule_template(example_day: date) -> bytes:
    """The sheet organisers fill in: the French headers and one example session."""
    example = {
        "titre": "Prendre en main son smartphone",
        "description": "Allumer, appeler, envoyer un message : les gestes de base.",
        "public": "seniors",
        "date": example_day.strftime("%d/%m/%Y"),
        "heure": "14h30",
        "durée": "1h30",
        "places": "8",
        "lieu": "Boutique Orange Metz",
        "adresse": "Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz",
        "apporter": "Votre téléphone, chargé",
        "accès": "À l'accueil, demandez l'atelier numérique",
    }
    return xlsx_bytes(TEMPLATE_COLUMNS, [example], title="Planning")

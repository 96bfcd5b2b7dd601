"""Reading schedule files as organisers have them: CSV in any usual dialect, .xlsx, .ods.

The result is a table of raw cells, each row with the number of the line it starts on
(a quoted line break or carriage return inside a cell ends a line, as it does for the csv
module, but never moves the row's own number). What the cells mean is the importer's
business.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from core.intake import taken_in
from core.schedule.sheet_bounds import MAX_CELLS, Malformed, TooBig, check_sheet_file

Cell = str | int | float | bool | date | datetime | time | timedelta | None
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx and .ods are zip archives
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls
DELIMITERS = (";", "\t", ",")
SEPARATOR_HINT = re.compile(r"sep=([;,\t|])")
MAX_LINES = 100_000


@dataclass(slots=True)
class Table:
    """A header and the rows under it; ``problem`` is where reading stopped, and why."""

    header: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    problem: tuple[int, str] | None = None
    ragged: bool = True
    """Whether a row's cell count must match the header (CSV); sheets pad their rows."""


class UnreadableFile(ValueError):
    """The file is not a schedule this module can read: ``key`` says why (a message key,
    filled in with ``values``), ``line`` where."""

    def __init__(self, key: str, *, line: int = 1, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.line = line
        self.values = values


def read_table(data: bytes | str) -> Table:
    """Read a schedule file's bytes (or already decoded CSV text) into a table; each cell
    is taken in as all outside text is (:func:`core.intake.taken_in`: no NUL)."""
    if isinstance(data, str):
        return _csv_table(data)
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return _sheet_table(data)
    return _csv_table(decode_text(data))


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or else Windows-1252 (French Excel)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile("encoding") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mixed = _mixed_line(data)
    if mixed is not None:
        raise UnreadableFile("mixed_encoding", line=mixed)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes have no Windows-1252 letter; Latin-1 reads them as control characters,
        # which the importer then reports on their line.
        return data.decode("latin-1")


UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]|\xc2[\xa0-\xbf]|\xe2\x80[\x80-\xbf]")
"""A UTF-8 accented letter, « », ° or a curly apostrophe: in Windows-1252 they would read
"Ã©", "Â«", "â€™", which French text never has."""


def _mixed_line(data: bytes) -> int | None:
    """The first line of a file that is not UTF-8 whose letters are written in two ways:
    lines in UTF-8 among Windows-1252 ones (or the reverse). Read as one, the others would
    turn into "CafÃ©"; the line named is one of the fewer kind."""
    utf8: list[int] = []
    other: list[int] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
            if UTF8_LETTER.search(line) and not utf8:
                utf8.append(number)  # both ways on one line
            continue
        utf8.append(number)
    if not utf8 or not other:
        return None
    return other[0] if len(other) <= len(utf8) else utf8[0]


def sniff_delimiter(header_line: str) -> str:
    """The separator the header uses most (outside quotes): ``;``, tab or ``,``."""
    outside = "".join(part for index, part in enumerate(header_line.split('"')) if index % 2 == 0)
    counts = {delimiter: outside.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _lines(text: str, counter: list[int]) -> Iterator[str]:
    """The text's lines (ended by CR, LF or CR LF, as the csv module reads them), counted
    in ``counter[0]``."""
    for line in io.StringIO(text, newline=""):
        counter[0] += 1
        yield line


def _csv_table(text: str) -> Table:
    text = taken_in(text.lstrip("\ufeff"))
    first = next((line for line in text.splitlines() if line.strip()), "")
    counter = [0]
    lines = _lines(text, counter)
    hint = SEPARATOR_HINT.fullmatch(text.splitlines()[0].strip()) if text else None
    if hint is not None:  # Excel's "sep=;" line names the separator
        next(lines)
        delimiter = hint.group(1)
    else:
        delimiter = sniff_delimiter(first)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    header: list[str] | None = None
    table = Table(header=[])
    cells_read = 0
    while True:
        start = counter[0] + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            table.problem = (start, "unreadable_line")
            break
        if header is None:
            if any(cell.strip() for cell in cells):
                header = [cell.strip() for cell in cells]
                table.header = header
            continue
        if all(not cell.strip() for cell in cells) and len(cells) in (0, 1, len(header)):
            continue  # a blank line, or an empty row as spreadsheets save it (";;;;")
        table.rows.append((start, list(cells)))
        cells_read += len(cells)
        if cells_read > MAX_CELLS:
            raise UnreadableFile("too_many_cells", line=start, limit=MAX_CELLS)
        if counter[0] > MAX_LINES:
            table.problem = (start, "too_many_rows")
            break
    return table


def _check_bounds(data: bytes) -> None:
    """Refuse a sheet that declares too much, before a reader makes room for it."""
    if not data.startswith(ZIP_MAGIC):
        return  # the old .xls: its reader runs under the worker's memory limit
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_sheet_file(archive)
    except TooBig as error:
        refused = UnreadableFile(error.key)
        refused.values = error.values
        raise refused from None
    except (Malformed, zipfile.BadZipFile, OSError, EOFError):
        raise UnreadableFile("unreadable") from None


def _sheet_table(data: bytes) -> Table:
    _check_bounds(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise UnreadableFile("empty")
        sheet = workbook.get_sheet_by_index(0)
        read = sheet.to_python(skip_empty_area=False, nrows=MAX_LINES + 1)
        values: list[list[Cell]] = [
            [taken_in(cell) if isinstance(cell, str) else cell for cell in row] for row in read
        ]
    except (CalamineError, ValueError, OSError) as error:
        if isinstance(error, UnreadableFile):
            raise
        raise UnreadableFile("unreadable") from None
    if not any(_filled(cell) for row in values for cell in row) and _is_ods(data):
        values = _ods_text_rows(data)
    table = Table(header=[], ragged=False)
    for index, row in enumerate(values[:MAX_LINES], start=1):
        cells: list[Cell] = list(row)
        if not any(_filled(cell) for cell in cells):
            continue
        if not table.header:
            table.header = [_header_text(cell) for cell in cells]
            continue
        table.rows.append((index, cells))
    if len(values) > MAX_LINES:
        table.problem = (MAX_LINES + 1, "too_many_rows")
    return table


def _header_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def _filled(cell: Cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _is_ods(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").strip() == ODS_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def _ods_text_rows(data: bytes) -> list[list[Cell]]:
    """The first table of an .ods as text, for cells written without a value type (which
    spreadsheet programs never do, but hand-made files may; calamine reads them as empty)."""
    rows: list[list[Cell]] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as xml:
            tables = 0
            for event, element in ElementTree.iterparse(xml, events=("start", "end")):
                if element.tag == f"{{{TABLE}}}table":
                    tables += event == "start"
                    if event == "end":
                        break
                if event != "end" or tables != 1 or element.tag != f"{{{TABLE}}}table-row":
                    continue
                row: list[Cell] = []
                for cell in element.iter(f"{{{TABLE}}}table-cell"):
                    paragraphs = cell.iter(f"{{{TEXT}}}p")
                    text = taken_in("\n".join("".join(p.itertext()) for p in paragraphs))
                    repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1)
                    row += [text] * (min(repeat, 1_000) if text else min(repeat, 1))
                rows.append(row)
                element.clear()
                if len(rows) > MAX_LINES:
                    break
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, ValueError):
        raise UnreadableFile("unreadable") from None
    return rows

"""What a sheet declares, checked before anything reads it whole.

An .xlsx or .ods is a zip of XML. A few bytes can declare a cell at XFD1048576, or a row
repeated 100,000 times with 1,000 cells each: a reader that makes room for the rectangle
asks for gigabytes. This module walks the zip's directory and the sheets' XML with a
streaming parser (expat, no tree kept) and refuses, with :class:`TooBig`, a file that
unpacks to too much or whose filled cells reach too far.
"""

from __future__ import annotations

import functools
import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

MAX_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 50 * 2**20
"""The sum of the zip members' sizes once unpacked (a 5,000-session sheet is ~5 MB); the
walk below takes about a second for 10 MB."""
MAX_RATIO = 200
"""Unpacked size over packed size, for members above ``RATIO_FROM_BYTES``: a zip bomb."""
RATIO_FROM_BYTES = 2**20
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CELLS = 2_000_000
"""Rows times columns of the rectangle a reader makes room for."""
CHUNK = 64 * 1024
VALUES = frozenset(("v", "is", "f"))
"""What makes an .xlsx cell filled: a value, an inline string, a formula."""
CELL_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,9})")
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class TooBig(ValueError):
    """The file goes beyond a limit: ``key`` names the message, ``values`` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class Malformed(ValueError):
    """The zip or its XML cannot be walked (or declares entities, which no sheet needs)."""


@dataclass(slots=True)
class Extent:
    """How far the filled cells of one sheet reach (1-based row and column)."""

    rows: int = 0
    columns: int = 0

    def reach(self, row: int, column: int) -> None:
        """A cell is filled at ``row``, ``column``: refuse if the sheet now reaches too far."""
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        if self.rows > MAX_ROWS:
            raise TooBig("sheet_rows", found=self.rows, limit=MAX_ROWS)
        if self.columns > MAX_COLUMNS:
            raise TooBig("sheet_columns", found=self.columns, limit=MAX_COLUMNS)
        if self.rows * self.columns > MAX_CELLS:
            raise TooBig("too_many_cells", limit=MAX_CELLS)


def check_sheet_file(archive: zipfile.ZipFile) -> None:
    """Refuse an .xlsx or .ods whose zip or sheets go beyond the limits."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise TooBig("unpacked_too_big", limit=MAX_UNPACKED_BYTES // 2**20)
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise TooBig("unpacked_too_big", limit=MAX_UNPACKED_BYTES // 2**20)
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > RATIO_FROM_BYTES and member.file_size / packed > MAX_RATIO:
            raise TooBig("unpacked_too_big", limit=MAX_UNPACKED_BYTES // 2**20)
    for member in members:
        name = member.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            _walk(archive, name, _XlsxSheet())
        elif name == "content.xml":
            _walk(archive, name, _OdsTables())


class _Walker:
    """Start and end handlers of an expat parser with namespaces (``uri local`` names)."""

    needs_end = True

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """An element opens."""

    def end(self, name: str) -> None:
        """An element closes."""


def _walk(archive: zipfile.ZipFile, name: str, walker: _Walker) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = walker.start
    if walker.needs_end:
        parser.EndElementHandler = walker.end
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    try:
        with archive.open(name) as stream:
            _feed(parser, stream)
    except (expat.ExpatError, zipfile.BadZipFile, ValueError, OSError) as error:
        if isinstance(error, TooBig):
            raise
        raise Malformed(name) from None


def _feed(parser: expat.XMLParserType, stream: IO[bytes]) -> None:
    while chunk := stream.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _no_doctype(*_: object) -> None:
    raise Malformed("doctype")


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def column_number(letters: str) -> int:
    """``A`` is 1, ``Z`` 26, ``AA`` 27, ``XFD`` 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@functools.lru_cache(maxsize=4096)
def column_letters_number(letters: str) -> int:
    """:func:`column_number`, remembered (a sheet names the same few columns again)."""
    return column_number(letters)


def _reference(text: str) -> tuple[int, int]:
    """A cell reference (``B12``) as (row, column)."""
    found = CELL_REF.fullmatch(text)
    if found is None:
        found = CELL_REF.fullmatch(text.strip())
        if found is None:
            raise Malformed(text[:20])
    return int(found.group(2)), column_letters_number(found.group(1))


class _XlsxSheet(_Walker):
    """The ``<dimension ref>`` of a worksheet and the place of each ``<c>`` holding a value
    (placed by its ``r``, or else next to the one before)."""

    needs_end = False

    def __init__(self) -> None:
        self.extent = Extent()
        self.row = 0
        self.column = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name[name.rfind(" ") + 1 :]  # the hot path: a million cells take seconds
        if local == "c":
            if "r" in attributes:
                self.row, self.column = _reference(attributes["r"])
            else:
                self.column += 1
        elif local in VALUES:
            if self.row > self.extent.rows or self.column > self.extent.columns:
                self.extent.reach(max(self.row, 1), max(self.column, 1))
        elif local == "row":
            self.row = int(attributes["r"]) if "r" in attributes else self.row + 1
            self.column = 0
        elif local == "dimension":
            last = attributes.get("ref", "A1").rpartition(":")[2]
            self.extent.reach(*_reference(last))


class _OdsTables(_Walker):
    """Each table's rows and cells, with their repeats; an empty repeated cell or row
    (a spreadsheet program writes them to the sheet's end) only moves the position."""

    def __init__(self) -> None:
        self.extent = Extent()
        self.row = 0  # rows before the current one
        self.row_repeat = 1
        self.row_reach = 0  # the last filled column of the current row
        self.column = 0
        self.cell_repeat = 0
        self.cell_filled = False
        self.depth_in_cell = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.depth_in_cell:
            self.depth_in_cell += 1
            self.cell_filled = True  # a paragraph, an annotation: something is there
            return
        uri, _, local = name.rpartition(" ")
        if uri != TABLE:
            return
        if local == "table":
            self.extent = Extent()
            self.row = 0
        elif local == "table-row":
            self.row_repeat = _repeat(attributes, "number-rows-repeated")
            self.row_reach = 0
            self.column = 0
        elif local in ("table-cell", "covered-table-cell"):
            self.cell_repeat = _repeat(attributes, "number-columns-repeated")
            self.cell_filled = f"{OFFICE} value-type" in attributes
            self.depth_in_cell = 1

    def end(self, name: str) -> None:
        if self.depth_in_cell > 1:
            self.depth_in_cell -= 1
            return
        uri, _, local = name.rpartition(" ")
        if uri != TABLE:
            return
        if local in ("table-cell", "covered-table-cell"):
            self.depth_in_cell = 0
            self.column += self.cell_repeat
            if self.cell_filled:
                self.row_reach = self.column
                self.extent.reach(self.row + 1, self.column)
        elif local == "table-row":
            if self.row_reach:
                self.extent.reach(self.row + self.row_repeat, self.row_reach)
            self.row += self.row_repeat


def _repeat(attributes: dict[str, str], name: str) -> int:
    text = attributes.get(f"{TABLE} {name}", "1")
    if not text.isdigit() or len(text) > 9:
        raise Malformed(name)
    return max(int(text), 1)

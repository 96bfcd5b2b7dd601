"""Schedule import: validate every row first, then load all of them or none.

Files are read by :mod:`core.schedule.files` (CSV, .xlsx, .ods), cells by
:mod:`core.schedule.values` (French or English headers, dates and times); the limits of
each field are :mod:`core.seats.field_limits`'. Messages are in French, from the catalogs.
:func:`import_schedule` reads the file in a worker process (:mod:`core.schedule.worker`),
never on the event loop; :func:`parse_schedule` is the same reading, in the caller.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.schedule.files import Cell, UnreadableFile, read_table
from core.schedule.values import (  # parse_local_start is used by the forms too
    FRENCH_NAME,
    CellError,
    canonical_audience,
    canonical_column,
    cell_text,
    local_start,
    parse_duration,
    parse_local_start,
    parse_time,
    parse_when,
)
from core.schedule.worker import Limits, TooHeavy, TooSlow, run_apart
from core.seats.catalog import AUDIENCES
from core.seats.field_limits import (
    AUDIENCE_LENGTH,
    DURATION_MINUTES,
    NUMBER_RANGES,
    has_control_character,
    number_problem,
    one_line_end,
    text_limit,
    text_problem,
)
from core.seats.organisations import NETWORK, Scope, organisations_by_name, same_name
from core.seats.venues import VenueFacts, venue_ids
from models import ACTIVE_STATUSES, Booking, WorkshopSession
from models.inserts import insert_ignore_statement

COLUMNS = (
    "title",
    "description",
    "audience",
    "starts_at",
    "duration_minutes",
    "capacity",
    "venue",
    "address",
)
"""The English columns of the contract; French ones (titre, date, heure...) are read too."""
T = TypeVar("T")
WHOLE_DECIMAL = re.compile(r"(?<=\d)[.,]0+$")
REQUIRED = ("title", "audience", "duration_minutes", "capacity", "venue", "address")
MAX_ROWS = 5_000
ORGANISATION_NAME = 200
MAX_FILE_BYTES = 20 * 2**20
"""The largest file an import reads (the dashboard takes 2 MB)."""


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One valid row of a schedule file."""

    line: int
    title: str
    description: str
    audience: str
    starts_at: datetime
    duration_minutes: int
    capacity: int
    venue: str
    address: str
    bring: str = ""
    access: str = ""
    latitude: float | None = None
    longitude: float | None = None
    town: str = ""
    postcode: str = ""

    @property
    def venue_facts(self) -> VenueFacts:
        """What the row says of its venue."""
        return VenueFacts(
            self.venue,
            self.address,
            self.town,
            self.postcode,
            self.latitude,
            self.longitude,
            self.access,
        )

    organisation: str = ""
    """The organisation that runs it, as the file names it ("": the importer's own)."""

    @property
    def import_key(self) -> str:
        """Stable identity of a session: the same title, start and venue is the same session."""
        raw = f"{self.title.casefold()}|{self.starts_at.isoformat()}|{self.venue.casefold()}"
        return hashlib.sha256(raw.encode()).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem found on one line of the file, worded in French for the organiser."""

    line: int
    message: str

    def __str__(self) -> str:
        return french()("import.error.line", line=self.line, problem=self.message)


@dataclass(frozen=True, slots=True)
class CapacityKept:
    """A line asked for fewer seats than people already hold: the capacity stays."""

    line: int
    title: str
    asked: int
    kept: int
    taken: int

    def __str__(self) -> str:
        return french()(
            "import.capacity_kept",
            line=self.line,
            title=self.title,
            asked=self.asked,
            capacity=self.kept,
            taken=self.taken,
        )


@dataclass(slots=True)
class ImportReport:
    """What an import did, or why it did nothing; ``capacity_kept`` is for the organiser
    to read even when the import went through."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    capacity_kept: list[CapacityKept] = field(default_factory=list)


@functools.cache
def french() -> Translator:
    """The organisers' language for import messages."""
    return Translator("fr")


def _word(error: CellError) -> str:
    return french()(error.key, **error.values)


class _Row:
    """One row's cells by column, with the header's own names for the messages."""

    def __init__(self, cells: dict[str, str], names: dict[str, str]) -> None:
        self.cells = cells
        self.names = names

    def text(self, column: str, *, allow_missing: bool = False) -> str:
        raw = self.cells.get(column)
        if raw is None and allow_missing:
            return ""
        text = (raw or "").strip()
        problem = text_problem(column, text)
        if problem is not None:
            limit = text_limit(column).length
            raise CellError(f"import.error.{problem}", column=self.names[column], limit=limit)
        return text

    def required(self, column: str) -> str:
        text = self.cells.get(column, "").strip()
        if not text:
            raise CellError("import.error.required", column=self.names[column])
        if has_control_character(text):
            raise CellError("import.error.control_character", column=self.names[column])
        return text

    def number(self, column: str) -> int:
        text = self.required(column)
        try:
            number = int(WHOLE_DECIMAL.sub("", text))  # "8,0" from a sheet is 8
        except ValueError:
            raise CellError(
                "import.error.not_a_number", column=self.names[column], value=text
            ) from None
        bounds = NUMBER_RANGES[column]
        if number_problem(column, number):
            raise CellError(
                "import.error.out_of_range",
                column=self.names[column],
                value=number,
                low=bounds.low,
                high=bounds.high,
            )
        return number

    def coordinate(self, column: str, limit: int) -> float | None:
        text = self.cells.get(column, "").strip()
        if not text:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = math.inf
        if not -limit <= number <= limit:
            raise CellError(
                "import.error.coordinate", column=self.names[column], low=-limit, high=limit
            )
        return number

    def start(self, zone: ZoneInfo) -> datetime:
        if "starts_at" in self.cells:
            return self._read("starts_at", lambda text: parse_local_start(text, zone))
        column = "when" if "when" in self.cells else "date"
        day, at = self._read(column, parse_when)
        if "time" in self.cells:
            at = self._read("time", parse_time)
        if at is None:
            raise CellError("import.error.no_time", column=self.names[column])
        return local_start(day, at, zone)

    def duration(self) -> int:
        low, high = DURATION_MINUTES.low, DURATION_MINUTES.high
        return self._read("duration_minutes", lambda text: parse_duration(text, low, high))

    def _read(self, column: str, parse: Callable[[str], T]) -> T:
        """``parse`` the column's text; its error names the column as the header does."""
        try:
            return parse(self.required(column))
        except CellError as error:
            error.values["column"] = self.names[column]
            raise

    def audience(self) -> str:
        text = self.required("audience")
        if len(text) > AUDIENCE_LENGTH or canonical_audience(text) not in AUDIENCES:
            raise CellError("import.error.audience", value=text, choices=", ".join(AUDIENCES))
        return canonical_audience(text)


def _parse_row(row: _Row, line: int, zone: ZoneInfo) -> SessionRow:
    return SessionRow(
        line=line,
        title=row.text("title"),
        description=row.text("description", allow_missing=True),
        audience=row.audience(),
        starts_at=row.start(zone),
        duration_minutes=row.duration(),
        capacity=row.number("capacity"),
        venue=row.text("venue"),
        address=row.text("address"),
        bring=row.text("bring", allow_missing=True),
        access=row.text("access", allow_missing=True),
        latitude=row.coordinate("latitude", 90),
        longitude=row.coordinate("longitude", 180),
        town=row.text("town", allow_missing=True),
        postcode=row.text("postcode", allow_missing=True),
        organisation=" ".join(row.cells.get("organisation", "").split())[:ORGANISATION_NAME],
    )


def _columns(header: list[str]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """Which column each header cell names, the header's names, and what is missing."""
    positions: dict[int, str] = {}
    names: dict[str, str] = {}
    for index, title in enumerate(header):
        column = canonical_column(title)
        if column is not None and column not in names:
            positions[index] = column
            names[column] = title
    # The start: starts_at (ISO), or a "date et heure" column, or a date (with a time, or
    # an heure column beside it). The first of these ways wins; the others are ignored.
    way = next((c for c in ("starts_at", "when", "date") if c in names), None)
    start_columns = {"starts_at", "when", "date", "time"}
    keep = {way, "time"} if way == "date" else {way}
    positions = {i: c for i, c in positions.items() if c not in start_columns - keep}
    needed = list(REQUIRED)
    if way is None:
        needed[2:2] = ["date", "time"]
    missing = [column for column in needed if column not in names]
    return positions, names, missing


def _missing(columns: list[str]) -> str:
    return ", ".join(
        FRENCH_NAME[column]
        if FRENCH_NAME[column] == column
        else f"{FRENCH_NAME[column]} ({column})"
        for column in columns
    )


def parse_schedule(content: str | bytes, zone: ZoneInfo) -> tuple[list[SessionRow], list[RowError]]:
    """Parse a whole schedule file (CSV text, or a file's bytes: CSV, .xlsx or .ods);
    every bad line is reported with its number."""
    try:
        table = read_table(content)
    except UnreadableFile as error:
        return [], [RowError(error.line, french()(f"import.error.{error.key}", **error.values))]
    if not table.header:
        if table.problem is not None:
            return [], [RowError(table.problem[0], french()(f"import.error.{table.problem[1]}"))]
        return [], [RowError(1, french()("import.error.empty"))]
    positions, names, missing = _columns(table.header)
    if missing:
        return [], [
            RowError(1, french()("import.error.missing_columns", columns=_missing(missing)))
        ]
    rows: list[SessionRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    width = len(table.header)
    for line, cells in table.rows:
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RowError(line, french()("import.error.too_many_rows", count=MAX_ROWS)))
            break
        try:
            if table.ragged and len(cells) > width:
                raise CellError("import.error.more_fields")
            if table.ragged and len(cells) < width:
                raise CellError("import.error.fewer_fields")
            if any(_filled(cell) for cell in cells[width:]):
                raise CellError("import.error.more_fields")
            by_column = {
                column: one_line_end(cell_text(column, cells[index])) if index < len(cells) else ""
                for index, column in positions.items()
            }
            row = _parse_row(_Row(by_column, names), line, zone)
        except CellError as error:
            errors.append(RowError(line, _word(error)))
            continue
        if row.import_key in seen:
            errors.append(
                RowError(line, french()("import.error.duplicate", other=seen[row.import_key]))
            )
            continue
        seen[row.import_key] = line
        rows.append(row)
    if table.problem is not None and len(rows) + len(errors) < MAX_ROWS:
        line, key = table.problem
        errors.append(RowError(line, french()(f"import.error.{key}", count=MAX_ROWS)))
    return rows, errors


def _filled(cell: Cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


REFRESHED = (
    "description",
    "audience",
    "duration_minutes",
    "address",
    "bring",
    "access",
    "latitude",
    "longitude",
    "venue_id",
)
"""What a new import changes on a session it already has (title, start and venue are its
identity; the capacity changes only when it stays above the seats taken)."""
TOLD = ("address", "duration_minutes")
"""What people booked or waiting rely on: an import may not change it under them."""
KEYS_PER_QUERY = 500
INSERT_BATCH = 250
"""New sessions per INSERT: the event loop answers others between two batches."""


def _values(
    row: SessionRow, venues: dict[str, int] | None = None, organisation_id: int | None = None
) -> dict[str, object]:
    return {
        "venue_id": (venues or {}).get(row.venue_facts.key),
        "organisation_id": organisation_id,
        "import_key": row.import_key,
        "title": row.title,
        "description": row.description,
        "audience": row.audience,
        "starts_at": row.starts_at,
        "duration_minutes": row.duration_minutes,
        "capacity": row.capacity,
        "seats_taken": 0,
        "venue": row.venue,
        "address": row.address,
        "bring": row.bring,
        "access": row.access,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "status": "scheduled",
    }


async def _existing(session: AsyncSession, keys: list[str]) -> dict[str, WorkshopSession]:
    found: dict[str, WorkshopSession] = {}
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        query = select(WorkshopSession).where(WorkshopSession.import_key.in_(chunk))
        found.update({w.import_key: w for w in (await session.execute(query)).scalars()})
    return found


async def _people_on(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    """How many people are booked or waiting, by session id (sessions with none left out)."""
    found: dict[int, int] = {}
    for start in range(0, len(ids), KEYS_PER_QUERY):
        query = (
            select(Booking.session_id, func.count())
            .where(
                Booking.session_id.in_(ids[start : start + KEYS_PER_QUERY]),
                Booking.status.in_(ACTIVE_STATUSES),
            )
            .group_by(Booking.session_id)
        )
        found.update({key: int(count) for key, count in (await session.execute(query)).all()})
    return found


def _told_changes(
    rows: list[SessionRow], existing: dict[str, WorkshopSession], people: dict[int, int]
) -> list[RowError]:
    """Lines that would change the address or length of a session people are on.

    Moving a session tells everyone and sends a new calendar file; an import does neither,
    so it is refused, line by line (the organiser cancels, or keeps the values)."""
    errors: list[RowError] = []
    for row in rows:
        workshop = existing.get(row.import_key)
        if workshop is None or not people.get(workshop.id):
            continue
        values = _values(row)
        if any(getattr(workshop, name) != values[name] for name in TOLD):
            count = people[workshop.id]
            errors.append(RowError(row.line, french()("import.error.booked_change", count=count)))
    return errors


async def _organisations_of(
    session: AsyncSession,
    rows: list[SessionRow],
    existing: dict[str, WorkshopSession],
    scope: Scope,
) -> tuple[dict[int, int | None], list[RowError]]:
    """Each line's organisation id (None: the install's own), and the lines that name an
    unknown organisation, another than the importer's, or another's session."""
    known = await organisations_by_name(session) if any(row.organisation for row in rows) else {}
    found: dict[int, int | None] = {}
    errors: list[RowError] = []
    for row in rows:
        organisation_id = scope.new_session_organisation()
        if row.organisation:
            organisation = known.get(same_name(row.organisation))
            if organisation is None:
                key, values = "import.error.unknown_organisation", {"name": row.organisation}
                errors.append(RowError(row.line, french()(key, **values)))
                continue
            if not scope.everything and organisation.id != scope.organisation_id:
                errors.append(RowError(row.line, french()("import.error.other_organisation")))
                continue
            organisation_id = organisation.id
        workshop = existing.get(row.import_key)
        if workshop is not None and not scope.covers(workshop):
            errors.append(RowError(row.line, french()("import.error.other_organisation")))
            continue
        if workshop is not None and not row.organisation:
            organisation_id = workshop.organisation_id  # a file without the column keeps it
        found[row.line] = organisation_id
    return found, errors


async def import_rows(
    session: AsyncSession, rows: list[SessionRow], scope: Scope = NETWORK
) -> ImportReport:
    """Insert new sessions and refresh changed ones, inside the caller's transaction; or
    nothing, with the lines that would change a session under the people on it, or that
    name an unknown organisation or one the importer (``scope``) may not change."""
    existing = await _existing(session, [row.import_key for row in rows])
    organisation_of, refused = await _organisations_of(session, rows, existing, scope)
    people = await _people_on(session, [workshop.id for workshop in existing.values()])
    errors = sorted(refused + _told_changes(rows, existing, people), key=lambda e: e.line)
    if errors:
        return ImportReport(errors=errors)
    report = ImportReport()
    venues = await venue_ids(session, [row.venue_facts for row in rows])
    fresh = [
        _values(row, venues, organisation_of[row.line])
        for row in rows
        if row.import_key not in existing
    ]
    if fresh:
        # One statement per batch of new sessions (the event loop turns between batches);
        # a key another import just added is skipped.
        statement = insert_ignore_statement(session, WorkshopSession)
        for start in range(0, len(fresh), INSERT_BATCH):
            await session.execute(statement, fresh[start : start + INSERT_BATCH])
        report.created = len(fresh)
    for row in rows:
        workshop = existing.get(row.import_key)
        if workshop is None:
            continue
        values = _values(row, venues, organisation_of[row.line])
        changed = False
        for name in (*REFRESHED, "organisation_id"):
            if getattr(workshop, name) != values[name]:
                setattr(workshop, name, values[name])
                changed = True
        if workshop.capacity != row.capacity:
            if row.capacity >= workshop.seats_taken:
                workshop.capacity = row.capacity
                changed = True
            else:
                kept = CapacityKept(
                    row.line, row.title, row.capacity, workshop.capacity, workshop.seats_taken
                )
                report.capacity_kept.append(kept)
        report.updated += changed
        report.unchanged += not changed
    return report


async def read_schedule(
    content: str | bytes,
    zone: ZoneInfo,
    limits: Limits = Limits(),  # noqa: B008
) -> tuple[list[SessionRow], list[RowError]]:
    """:func:`parse_schedule` in a worker process, within ``limits``: the event loop goes
    on answering, and a file that needs too much memory or time is refused."""
    if len(content) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        return [], [RowError(1, french()("import.error.file_too_big", limit=limit))]
    try:
        return await run_apart(parse_schedule, content, zone, limits=limits)
    except TooHeavy:
        limit = limits.memory_bytes // 2**20
        return [], [RowError(1, french()("import.error.too_heavy", limit=limit))]
    except TooSlow:
        limit = round(limits.seconds)
        return [], [RowError(1, french()("import.error.too_slow", limit=limit))]


async def import_schedule(
    session: AsyncSession,
    content: str | bytes,
    zone: ZoneInfo,
    limits: Limits = Limits(),  # noqa: B008
    scope: Scope = NETWORK,
) -> ImportReport:
    """Validate ``content`` (CSV text, or a file's bytes) in a worker process; import it
    whole if every row is valid, else nothing."""
    rows, errors = await read_schedule(content, zone, limits)
    if errors:
        return ImportReport(errors=errors)
    return await import_rows(session, rows, scope)

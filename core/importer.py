"""Schedule import from CSV: validate every row first, then load all of them or none."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog import AUDIENCES
from models import WorkshopSession
from models.inserts import insert_ignore

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
MAX_ROWS = 5_000


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

    @property
    def import_key(self) -> str:
        """Stable identity of a session: the same title, start and venue is the same session."""
        raw = f"{self.title.casefold()}|{self.starts_at.isoformat()}|{self.venue.casefold()}"
        return hashlib.sha256(raw.encode()).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem found on one line of the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class ImportReport:
    """What an import did, or why it did nothing."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _int_in(value: str, low: int, high: int, name: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {number}")
    return number


def _text(value: str | None, name: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in text):
        raise ValueError(f"{name} contains a control character")
    if required and not text:
        raise ValueError(f"{name} is empty")
    if len(text) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    return text


def parse_local_start(value: str, zone: ZoneInfo) -> datetime:
    """Read a local start time written 2027-01-06T14:00; the result is in UTC."""
    try:
        local = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")  # noqa: DTZ007
    except ValueError:
        raise ValueError(f"starts_at must look like 2027-01-06T14:00, got {value!r}") from None
    if not 2000 <= local.year <= 2100:
        raise ValueError(f"starts_at must be between the years 2000 and 2100, got {value!r}")
    return local.replace(tzinfo=zone).astimezone(UTC)


def _parse_row(
    line: int, raw: dict[str | None, str | list[str] | None], zone: ZoneInfo
) -> SessionRow:
    if raw.get(None):
        raise ValueError("the row has more fields than the header")
    values = {key: value for key, value in raw.items() if isinstance(key, str)}
    if any(values.get(column) is None for column in COLUMNS):
        raise ValueError("the row has fewer fields than the header")
    cells: dict[str, str] = {k: v for k, v in values.items() if isinstance(v, str)}
    audience = _text(cells["audience"], "audience", 32).casefold()
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    return SessionRow(
        line=line,
        title=_text(cells["title"], "title", 200),
        description=_text(cells["description"], "description", 2000, required=False),
        audience=audience,
        starts_at=parse_local_start(cells["starts_at"], zone),
        duration_minutes=_int_in(cells["duration_minutes"], 1, 24 * 60, "duration_minutes"),
        capacity=_int_in(cells["capacity"], 1, 10_000, "capacity"),
        venue=_text(cells["venue"], "venue", 200),
        address=_text(cells["address"], "address", 300),
        bring=_text(cells.get("bring"), "bring", 300, required=False),
        access=_text(cells.get("access"), "access", 300, required=False),
        latitude=_coordinate(cells.get("latitude"), "latitude", 90),
        longitude=_coordinate(cells.get("longitude"), "longitude", 180),
    )


def _coordinate(value: str | None, name: str, limit: float) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{name} must be a decimal number, got {text!r}") from None
    if not -limit <= number <= limit:
        raise ValueError(f"{name} must be between {-limit:g} and {limit:g}, got {number:g}")
    return number


def parse_schedule(content: str, zone: ZoneInfo) -> tuple[list[SessionRow], list[RowError]]:
    """Parse a whole schedule file; every bad line is reported with its number."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as error:
        return [], [RowError(1, f"unreadable CSV ({error})")]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        return [], [RowError(1, f"missing columns: {', '.join(missing)}")]
    reader.fieldnames = header
    rows: list[SessionRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(reader.line_num, f"unreadable CSV ({error})"))
            break
        # The row's first line: blank lines are skipped, quoted cells may span lines.
        cells = [v for v in raw.values() if isinstance(v, str)]
        line = reader.line_num - sum(cell.count("\n") for cell in cells)
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RowError(line, f"the file has more than {MAX_ROWS} rows"))
            break
        try:
            row = _parse_row(line, raw, zone)
        except ValueError as error:
            errors.append(RowError(line, str(error)))
            continue
        if row.import_key in seen:
            errors.append(
                RowError(line, f"the same session is already on line {seen[row.import_key]}")
            )
            continue
        seen[row.import_key] = line
        rows.append(row)
    return rows, errors


async def import_rows(session: AsyncSession, rows: list[SessionRow]) -> ImportReport:
    """Insert new sessions and refresh changed ones, inside the caller's transaction."""
    report = ImportReport()
    for row in rows:
        values = {
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
        if await insert_ignore(session, WorkshopSession, values):
            report.created += 1
            continue
        query = select(WorkshopSession).where(WorkshopSession.import_key == row.import_key)
        existing = (await session.execute(query)).scalar_one()
        changed = False
        for name in (
            "description",
            "audience",
            "duration_minutes",
            "address",
            "bring",
            "access",
            "latitude",
            "longitude",
        ):
            if getattr(existing, name) != values[name]:
                setattr(existing, name, values[name])
                changed = True
        if existing.capacity != row.capacity and row.capacity >= existing.seats_taken:
            existing.capacity = row.capacity
            changed = True
        report.updated += changed
        report.unchanged += not changed
    return report


async def import_schedule(session: AsyncSession, content: str, zone: ZoneInfo) -> ImportReport:
    """Validate ``content``; import it whole if every row is valid, else nothing."""
    rows, errors = parse_schedule(content, zone)
    if errors:
        return ImportReport(errors=errors)
    return await import_rows(session, rows)

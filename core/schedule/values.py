"""What the cells of a schedule mean: column names in French or English, dates, times,
durations, as organisers write them (``06/01/2027``, ``14h30``, ``1h30``) or as a sheet
stores them (dates, times and numbers)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.i18n import Translator
from core.schedule.files import Cell

ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "titre", "intitule", "nom de l'atelier", "atelier"),
    "description": ("description", "descriptif"),
    "audience": ("audience", "public"),
    "starts_at": ("starts_at", "starts at"),
    "when": ("date et heure", "date heure", "date/heure", "date - heure", "debut", "quand"),
    "date": ("date", "jour"),
    "time": ("time", "heure", "horaire", "heure de debut"),
    "duration_minutes": (
        "duration_minutes",
        "duration",
        "duree",
        "duree (minutes)",
        "duree (min)",
        "duree en minutes",
    ),
    "capacity": ("capacity", "places", "capacite", "nombre de places"),
    "venue": ("venue", "lieu"),
    "address": ("address", "adresse"),
    "bring": ("bring", "apporter", "a apporter", "materiel"),
    "access": ("access", "acces"),
    "town": ("ville", "town", "commune"),
    "postcode": ("code_postal", "code postal", "postcode", "cp"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "organisation": ("organisation", "structure", "organization"),
}
COLUMN_OF = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
FIRST_WORDS = {
    alias: column
    for column, aliases in ALIASES.items()
    for alias in aliases
    if " " not in alias and "_" not in alias and len(alias) > 3 and column != "starts_at"
}
"""One-word names that also start a longer header: "Durée en minutes", "Lieu de l'atelier"."""
FRENCH_NAME = {
    "title": "titre",
    "description": "description",
    "audience": "public",
    "starts_at": "date",
    "when": "date et heure",
    "date": "date",
    "time": "heure",
    "duration_minutes": "durée",
    "capacity": "places",
    "venue": "lieu",
    "address": "adresse",
}
AUDIENCE_ALIASES = {
    "senior": "seniors",
    "jeune": "jeunes",
    "parent": "parents",
    "entrepreneur": "entrepreneurs",
    "tout public": "tous",
    "tout le monde": "tous",
    "tout": "tous",
    "all": "tous",
    "everyone": "tous",
}
EXCEL_EPOCH = date(1899, 12, 30)
DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
TIME = re.compile(r"(\d{1,2})\s*[:hH]\s*(\d{2})?(?::00)?")
DURATION_HOURS = re.compile(r"(\d{1,2})\s*[hH:]\s*(?:(\d{1,2})\s*(?:min|mn|m)?)?")
DURATION_MINUTES = re.compile(r"(\d{1,5})\s*(?:minutes?|min|mn|m)?")


class CellError(ValueError):
    """A cell that cannot be read: ``key`` names the message, ``values`` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def __str__(self) -> str:
        return Translator("fr")(self.key, **self.values)


def plain(text: str) -> str:
    """Lower case, accents dropped, runs of spaces and underscores as one space."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s_]+", " ", bare.replace("\u2019", "'"))


def canonical_column(header: str) -> str | None:
    """The column a header names (``Durée`` is ``duration_minutes``), or None."""
    name = plain(header)
    exact = COLUMN_OF.get(name) or COLUMN_OF.get(name.replace(" ", "_"))
    if exact is not None:
        return exact
    first = re.split(r"[\s(:/'-]", name, maxsplit=1)[0]
    return FIRST_WORDS.get(first)


def canonical_audience(text: str) -> str:
    """``Tout public`` is ``tous``, ``Senior`` is ``seniors``; others as written, plain."""
    name = plain(text)
    return AUDIENCE_ALIASES.get(name, name)


def cell_text(column: str, cell: Cell) -> str:
    """A cell as the text the column's reader expects (a sheet's date is ``06/01/2027``)."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, datetime):
        return _datetime_text(column, cell)
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, time):
        return _time_text(column, cell.hour * 60 + cell.minute)
    if isinstance(cell, timedelta):
        return str(round(cell.total_seconds() / 60))
    if column == "time" and isinstance(cell, float) and 0 <= cell < 1:
        return _time_text(column, round(cell * 24 * 60))  # a time stored as a day's fraction
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _time_text(column: str, minutes: int) -> str:
    if column == "duration_minutes":
        return str(minutes)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _datetime_text(column: str, moment: datetime) -> str:
    if column == "starts_at":
        return moment.strftime("%Y-%m-%dT%H:%M")
    if column in ("time", "duration_minutes"):
        return _time_text(column, moment.hour * 60 + moment.minute)
    if moment.time() != time(0) and column in ("date", "when"):
        return moment.strftime("%d/%m/%Y %H:%M")
    return moment.strftime("%d/%m/%Y")


def parse_date(text: str) -> date:
    """``06/01/2027`` (also ``6-1-2027``, ``06.01.2027``) or ``2027-01-06``."""
    value = text.strip()
    found = DATE.fullmatch(value)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return _in_years(date(year, month, day), value)
        found = ISO_DATE.fullmatch(value)
        if found:
            year, month, day = (int(part) for part in found.groups())
            return _in_years(date(year, month, day), value)
    except ValueError:
        pass
    raise CellError("import.error.date", value=value)


WHEN = re.compile(r"(.+?)(?<!\s)(?:\s*+,\s*+|\s*+T\s*+|\s++(?:[àa]\s++)?)(\d{1,2}\s*+[:hH].*)")
"""The separator starts where a run of spaces starts and takes the whole run: the old
``\\s*(?:\\s|...)\\s*`` shared each run among three parts in every way (1,000 spaces in a
cell took 16 s)."""
LONGEST_WHEN = 64
"""A date and a time, with room for spaces: a longer cell is never one (and is never read)."""


def parse_when(text: str) -> tuple[date, time | None]:
    """A date, maybe followed by a time: ``06/01/2027 14:30``, ``06/01/2027 à 14h30``."""
    value = text.strip()
    if len(value) > LONGEST_WHEN:
        raise CellError("import.error.date", value=value[:LONGEST_WHEN] + "…")
    found = WHEN.fullmatch(value)
    if found is None:
        return parse_date(value), None
    try:
        day = parse_date(found.group(1))
    except CellError as error:
        if error.key == "import.error.year":
            raise
        raise CellError("import.error.date", value=value) from None
    return day, parse_time(found.group(2))


def _in_years(day: date, value: str) -> date:
    if not 2000 <= day.year <= 2100:
        raise CellError("import.error.year", value=value)
    return day


def parse_time(text: str) -> time:
    """``14:30``, ``14h30``, ``14 h 30``, ``14h`` or ``14:30:00``."""
    value = text.strip()
    found = TIME.fullmatch(value)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise CellError("import.error.time", value=value)


def parse_duration(text: str, low: int, high: int) -> int:
    """Minutes, from ``90``, ``90 min``, ``1h30``, ``1 h 30``, ``2h`` or ``1:30``."""
    value = text.strip()
    bare = re.sub(r"(?<=\d)[.,]0+$", "", value)  # "90,0" from a sheet is 90
    minutes: int | None = None
    if found := DURATION_MINUTES.fullmatch(bare):
        minutes = int(found.group(1))
    elif (found := DURATION_HOURS.fullmatch(bare)) and int(found.group(2) or 0) < 60:
        minutes = int(found.group(1)) * 60 + int(found.group(2) or 0)
    if minutes is None:
        raise CellError("import.error.duration", value=value)
    if not low <= minutes <= high:
        raise CellError("import.error.out_of_range", value=minutes, low=low, high=high)
    return minutes


def parse_local_start(value: str, zone: ZoneInfo) -> datetime:
    """Read a local start time written 2027-01-06T14:00; the result is in UTC."""
    try:
        local = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")  # noqa: DTZ007
    except ValueError:
        raise CellError("import.error.starts_at", column="starts_at", value=value.strip()) from None
    if not 2000 <= local.year <= 2100:
        raise CellError("import.error.year", value=value.strip())
    return _in_utc(local.replace(tzinfo=zone))


def local_start(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local day and time, in UTC."""
    return _in_utc(datetime.combine(day, at, tzinfo=zone))


def _in_utc(local: datetime) -> datetime:
    """``local`` in UTC; a time the clocks skip (spring forward: 02:30 in Paris on the last
    Sunday of March) does not exist and is refused, rather than shifted by an hour."""
    moment = local.astimezone(UTC)
    if moment.astimezone(local.tzinfo).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise CellError("import.error.skipped_time", value=local.strftime("%d/%m/%Y %H:%M"))
    return moment

"""The French communes table (``data/communes.csv.gz``), loaded once, with its indexes."""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from math import floor
from pathlib import Path

from core.places.names import folded

DATA = Path(__file__).parent / "data" / "communes.csv.gz"
CELL_DEGREES = 0.25
"""The grid that finds the communes near a point: about 28 km by 18 km at Metz."""


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune: its INSEE code, name, department, postcodes and point."""

    insee: str
    name: str
    department: str
    postcodes: tuple[str, ...]
    latitude: float
    longitude: float
    approximate: bool
    population: int


@dataclass(frozen=True, slots=True)
class Communes:
    """Every commune, by folded name, by postcode, by first letter and by grid cell."""

    by_name: dict[str, tuple[Commune, ...]]
    by_postcode: dict[str, tuple[Commune, ...]]
    names_by_letter: dict[str, tuple[str, ...]]
    by_cell: dict[tuple[int, int], tuple[Commune, ...]]


def cell_of(latitude: float, longitude: float) -> tuple[int, int]:
    """The grid cell of a point."""
    return floor(latitude / CELL_DEGREES), floor(longitude / CELL_DEGREES)


def _by_size(found: list[Commune]) -> tuple[Commune, ...]:
    return tuple(sorted(found, key=lambda c: -c.population))


_LOADING = threading.Lock()


def communes() -> Communes:
    """The table, read once per process (about 35,000 rows, under a second; the first call
    from async code goes through :func:`ready`, so the event loop is not held)."""
    with _LOADING:
        return _load()


async def ready() -> None:
    """Load the table in a worker thread, once; at once when it is loaded already."""
    if _load.cache_info().currsize == 0:
        await asyncio.to_thread(communes)


@cache
def _load() -> Communes:
    text = gzip.decompress(DATA.read_bytes()).decode("utf-8")
    by_name: dict[str, list[Commune]] = defaultdict(list)
    by_postcode: dict[str, list[Commune]] = defaultdict(list)
    by_cell: dict[tuple[int, int], list[Commune]] = defaultdict(list)
    rows = csv.reader(io.StringIO(text))
    next(rows)  # insee,name,department,postcodes,latitude,longitude,approximate,population
    for insee, name, department, postcodes, lat, lon, approximate, population in rows:
        commune = Commune(
            insee,
            name,
            department,
            tuple(postcodes.split()),
            float(lat),
            float(lon),
            approximate == "1",
            int(population),
        )
        by_name[folded(commune.name)].append(commune)
        for postcode in commune.postcodes:
            by_postcode[postcode].append(commune)
        if not commune.approximate:  # a borrowed point would answer for its neighbour
            by_cell[cell_of(commune.latitude, commune.longitude)].append(commune)
    letters: dict[str, list[str]] = defaultdict(list)
    for name in by_name:
        letters[name[:1]].append(name)
    return Communes(
        by_name={k: _by_size(v) for k, v in by_name.items()},
        by_postcode={k: _by_size(v) for k, v in by_postcode.items()},
        names_by_letter={k: tuple(v) for k, v in letters.items()},
        by_cell={k: tuple(v) for k, v in by_cell.items()},
    )

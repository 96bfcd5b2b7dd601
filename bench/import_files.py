"""Schedule import by file format: what 5,000 rows take to read, check and load.

Each format is built by an independent writer (the csv module, openpyxl, odfpy), with the
French headers and dates of a real organiser's sheet; then ``parse_schedule`` reads it
(timed alone, and its peak Python memory traced in a second pass) and ``import_schedule``
loads it into a fresh, migrated SQLite file in one transaction, while a tick every 10 ms
measures the event loop's longest wait (what everyone else waits for meanwhile)::

    python -m bench.import_files [--rows 5000]

Prints a table and writes ``bench/import_files.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from bench.results import Metric, Options, Result, machine, table, write_json
from core.schedule.importer import import_schedule, parse_schedule
from models import Database
from models.migrate import upgrade

NAME = "import_files"
ROWS = 5_000
QUICK_ROWS = 500
IMPORT_WITHIN_SECONDS = 5.0
TICK_SECONDS = 0.01
LOOP_WAIT_AT_MOST_MS = 250.0
"""The file is read off the event loop: the others' answers wait no longer than this."""
ZONE = ZoneInfo("Europe/Paris")
HEADER = ["titre", "description", "public", "date", "heure", "durée", "places", "lieu", "adresse"]
AUDIENCES = ("seniors", "jeunes", "parents", "entrepreneurs", "tous")
JSON_PATH = Path(__file__).resolve().parent / "import_files.json"


def rows(count: int) -> list[list[str]]:
    """``count`` distinct sessions, as text cells."""
    first = date(2027, 1, 4)
    return [
        [
            f"Atelier numérique n° {index}",
            "Les gestes de base, à son rythme ; téléphone chargé.",
            AUDIENCES[index % len(AUDIENCES)],
            (first + timedelta(days=index // 6)).strftime("%d/%m/%Y"),
            f"{9 + index % 6}h30",
            "1h30",
            str(8 + index % 5),
            "Boutique Orange Metz",
            "Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz",
        ]
        for index in range(count)
    ]


def csv_file(cells: list[list[str]], delimiter: str, encoding: str) -> bytes:
    """CSV as the csv module writes it (what French Excel saves, for ``;`` and cp1252)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([HEADER, *cells])
    return buffer.getvalue().encode(encoding)


def xlsx_file(cells: list[list[str]]) -> bytes:
    """An .xlsx sheet written by openpyxl, numbers as numbers."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Planning")
    sheet.append(HEADER)
    for row in cells:
        sheet.append([*row[:6], int(row[6]), *row[7:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_file(cells: list[list[str]]) -> bytes:
    """An .ods sheet written by odfpy."""
    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Planning")
    for row in [HEADER, *cells]:
        line = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            line.addElement(cell)
        sheet.addElement(line)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FORMATS: dict[str, Callable[[list[list[str]]], bytes]] = {
    "csv utf-8 ,": lambda cells: csv_file(cells, ",", "utf-8"),
    "csv cp1252 ;": lambda cells: csv_file(cells, ";", "cp1252"),
    "xlsx": xlsx_file,
    "ods": ods_file,
}


async def load(content: bytes, directory: Path, label: str) -> tuple[float, int, float]:
    """Import ``content`` into a fresh SQLite file: the seconds it took, the rows created,
    and the event loop's longest wait meanwhile (what every other person waited at worst)."""
    url = f"sqlite+aiosqlite:///{directory / (label.replace(' ', '_') + '.db')}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    lags: list[float] = [0.0]
    reading = True

    async def tick() -> None:
        while reading:
            started = time.perf_counter()
            await asyncio.sleep(TICK_SECONDS)
            lags.append(time.perf_counter() - started - TICK_SECONDS)

    ticking = asyncio.create_task(tick())
    try:
        started = time.perf_counter()
        async with db.transaction() as session:
            report = await import_schedule(session, content, ZONE)
        seconds = time.perf_counter() - started
    finally:
        reading = False
        await ticking
        await db.dispose()
    if report.errors:
        raise RuntimeError(f"{label}: {report.errors[:3]}")
    return seconds, report.created, max(lags)


def measure(count: int) -> Result:
    """Every format, ``count`` rows each."""
    cells = rows(count)
    metrics: list[Metric] = []
    details: dict[str, dict[str, float | int]] = {}
    with TemporaryDirectory() as folder:
        for label, build in FORMATS.items():
            content = build(cells)
            started = time.perf_counter()
            parsed, errors = parse_schedule(content, ZONE)
            parse_seconds = time.perf_counter() - started
            if errors or len(parsed) != count:
                raise RuntimeError(f"{label}: {errors[:3]}")
            tracemalloc.start()
            parse_schedule(content, ZONE)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            total, created, lag = asyncio.run(load(content, Path(folder), label))
            assert created == count
            metrics += [
                Metric(f"{label}: read and check", round(parse_seconds, 3), "s"),
                Metric.at_most(
                    f"{label}: import {count} rows", round(total, 3), IMPORT_WITHIN_SECONDS, "s"
                ),
                Metric(f"{label}: rows per second", round(count / total), "rows/s"),
                Metric.at_most(
                    f"{label}: event loop's longest wait meanwhile",
                    round(lag * 1000, 1),
                    LOOP_WAIT_AT_MOST_MS,
                    "ms",
                ),
            ]
            details[label] = {
                "file_kib": round(len(content) / 1024, 1),
                "parse_seconds": round(parse_seconds, 4),
                "import_seconds": round(total, 4),
                "parse_peak_python_mib": round(peak / 2**20, 1),
            }
    return Result(NAME, metrics, {"rows": count}, "sqlite", {"formats": details})


def benchmark(options: Options) -> Result:
    """Entry point of ``bench.run``."""
    return measure(QUICK_ROWS if options.quick else ROWS)


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone, print its table, write its JSON."""
    parser = argparse.ArgumentParser(description="Schedule import by file format.")
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args(argv)
    result = measure(args.rows)
    printed = table([result])
    print(printed)
    for label, about in result.details["formats"].items():
        print(
            f"  {label}: {about['file_kib']} KiB, "
            f"peak {about['parse_peak_python_mib']} MiB of Python memory while reading"
        )
    write_json(JSON_PATH, [result], {"rows": args.rows}, machine(), printed)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()

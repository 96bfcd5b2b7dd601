"""Workshops near me at a region's size: the town question and the list near a town.

1,000 venues in the communes of Moselle and Meurthe-et-Moselle (real names and points, from
the shipped table) and 20,000 sessions to come, bulk-inserted. People then take the chat
steps through the real flows (``Conversations.handle``: one transaction each, the state
saved), and each step is timed: "see the workshops" (the question), a town tapped, a town
written with a typo, a postcode, a shared location, the next page, and the list again for
someone whose town is remembered::

    python -m bench.towns --database sqlite [--quick]

Target: p95 under 50 ms for every step.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import insert, update

from bench.databases import database_url, fresh_database, settings_for
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, machine, table, write_json
from core.clock import FixedClock
from core.dialog import Incoming, Kind, Sender
from core.places.communes import communes
from core.seats.venues import venue_key
from handlers.machinery.turns import Conversations
from models import Database, Venue, WorkshopSession
from testkit.factories import NOW

NAME = "towns"
OUTPUT = Path(__file__).resolve().parent / "towns.json"
TARGET_MS = 50.0
FULL = (1_000, 20_000, 200)
QUICK = (100, 2_000, 30)
"""Venues, sessions, people timed (each takes every step once)."""
DEPARTMENTS = ("57", "54")


def _venue_rows(count: int) -> list[dict[str, object]]:
    """``count`` venues in real communes of the two departments, a few in the big towns."""
    placed = [
        commune
        for candidates in communes().by_name.values()
        for commune in candidates
        if commune.department in DEPARTMENTS and not commune.approximate
    ]
    placed.sort(key=lambda c: -c.population)
    rows = []
    for index in range(count):
        commune = placed[index % len(placed)] if index < len(placed) else placed[index % 50]
        name = f"Lieu {index}"
        address = f"{index} rue de la Gare, {commune.postcodes[0]} {commune.name}"
        rows.append(
            {
                "key": venue_key(name, address),
                "name": name,
                "address": address,
                "postcode": commune.postcodes[0],
                "town": commune.name,
                "latitude": commune.latitude,
                "longitude": commune.longitude,
                "access": "",
            }
        )
    return rows


async def _load(db: Database, venues: int, sessions: int) -> None:
    random.seed(24)
    async with db.transaction() as session:
        await session.execute(insert(Venue), _venue_rows(venues))
    rows = [
        {
            "import_key": f"bench:{index}",
            "title": f"Atelier {index}",
            "description": "",
            "audience": random.choice(("tous", "seniors", "jeunes")),
            "starts_at": NOW + timedelta(hours=2 + index * 30 * 24 / sessions),
            "duration_minutes": 90,
            "capacity": 8,
            "seats_taken": 0,
            "venue": f"Lieu {index % venues}",
            "address": "",
            "status": "scheduled",
            "venue_id": 1 + random.randrange(venues),
        }
        for index in range(sessions)
    ]
    for start in range(0, len(rows), 2_000):
        async with db.transaction() as session:
            await session.execute(insert(WorkshopSession), rows[start : start + 2_000])
    if db.url.startswith("postgresql"):
        async with db.engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")


STEPS: tuple[tuple[str, Kind, str], ...] = (
    ("question", Kind.TEXT, "voir les ateliers"),
    ("town tapped", Kind.CHOICE, "first town"),
    ("next page", Kind.CHOICE, "l:1"),
    ("change town", Kind.TEXT, "changer de ville"),
    ("town with a typo", Kind.TEXT, "tionvile"),
    ("change town again", Kind.TEXT, "changer de ville"),
    ("postcode", Kind.TEXT, "54000"),
    ("shared location", Kind.OTHER, "49.1191,6.1727"),
    ("list, town remembered", Kind.TEXT, "ateliers"),
)


async def _person(flows: Conversations, number: int, times: dict[str, list[float]]) -> None:
    sender = Sender("bench", f"p{number}", "Marie", "fr")
    await flows.handle(Incoming(sender, Kind.TEXT, text="bonjour", update_key=f"{number}:0"))
    last: list[str] = []
    for index, (name, kind, value) in enumerate(STEPS, 1):
        key = f"{number}:{index}"
        if kind == Kind.CHOICE:
            data = last[0] if value == "first town" else value
            incoming = Incoming(sender, kind, choice=data, update_key=key)
        elif kind == Kind.OTHER:
            lat, lon = (float(part) for part in value.split(","))
            incoming = Incoming(
                sender, kind, update_key=key, media="location", latitude=lat, longitude=lon
            )
        else:
            incoming = Incoming(sender, kind, text=value, update_key=key)
        started = time.perf_counter()
        replies = await flows.handle(incoming)
        times[name].append((time.perf_counter() - started) * 1000)
        last = [choice.data for reply in replies for choice in reply.flat_choices()]


BASELINE = "today's list (no town known)"


async def _today(db: Database, flows: Conversations, people: int) -> list[float]:
    """The same list step on the same database with no session's town known: today's
    flow, the baseline on the same machine at the same moment."""
    async with db.transaction() as session:
        await session.execute(update(WorkshopSession).values(venue_id=None))
    times = []
    for number in range(people):
        sender = Sender("bench", f"today{number}", "Paul", "fr")
        await flows.handle(Incoming(sender, Kind.TEXT, text="bonjour", update_key=f"t{number}"))
        incoming = Incoming(sender, Kind.TEXT, text="ateliers", update_key=f"t{number}:1")
        started = time.perf_counter()
        await flows.handle(incoming)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def measure(venues: int, sessions: int, people: int, kind: DatabaseKind) -> Result:
    """Load, then time every step for ``people`` people, one after another."""
    with TemporaryDirectory() as directory:
        url = database_url(kind, Path(directory))
        await fresh_database(url)
        db = Database(url)
        try:
            await _load(db, venues, sessions)
            flows = Conversations(db, settings_for(url, sessions_per_page=5), FixedClock(NOW))
            await _person(flows, 0, {name: [] for name, _, _ in STEPS})  # warm: caches, table
            times: dict[str, list[float]] = {name: [] for name, _, _ in STEPS}
            for number in range(1, people + 1):
                await _person(flows, number, times)
            times[BASELINE] = await _today(db, flows, people)
        finally:
            await db.dispose()
    metrics = []
    for name, values in times.items():
        p95 = round(statistics.quantiles(values, n=20)[-1], 1)
        if name == BASELINE:
            metrics.append(Metric(f"{name}, p95", p95, "ms"))
        else:
            metrics.append(Metric.at_most(f"{name}, p95", p95, TARGET_MS, "ms"))
        metrics.append(Metric(f"{name}, median", round(statistics.median(values), 1), "ms"))
    parameters = {"venues": venues, "sessions": sessions, "people": people}
    return Result(NAME, metrics, parameters, kind)


def benchmark(options: Options) -> Result:
    """The steps at the size the options ask for (entry point of ``bench.run``)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    venues, sessions, people = QUICK if options.quick else FULL
    return asyncio.run(measure(venues, sessions, people, options.database))


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description="The town question and list at scale.")
    parser.add_argument("--quick", action="store_true", help="100 venues, 2,000 sessions")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON")
    args = parser.parse_args(argv)
    result = benchmark(Options(quick=args.quick, database=args.database))
    printed = table([result])
    print(printed)
    write_json(
        args.output, [result], {"quick": args.quick, "database": args.database}, machine(), printed
    )
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()

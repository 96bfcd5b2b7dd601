"""The organisers' dashboard on a full database: how long its pages take over loopback HTTP.

The database is the one of ``bench.scale`` (people, sessions, bookings, outbox). The bot
runs with the dashboard only; one logged-in organiser opens each page in turn. Every page
checks the login in the database (logging out ends it), so this also shows that cost.
With ``--as organisation`` the sessions belong to three organisations and the one logged in
is one organisation's organiser: every page is then filtered to its sessions; with ``--as
network``, a network organiser's (the figures then per organisation too)::

    python -m bench.dashboard_pages --quick [--as organisation|network]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from bench import scale
from bench.databases import database_url, settings_for
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, machine, table, write_json
from bot.runtime import Runtime
from core.clock import SystemClock
from core.seats.organisations import add_organiser
from models import Database, WorkshopSession

NAME = "dashboard_pages"
PASSWORD = "a password for the benchmark"
SECRET_KEY = "a-benchmark-session-key-that-is-long-enough-0123"
REQUESTS = 40
QUICK_REQUESTS = 10
OUTPUT = Path(__file__).resolve().parent / "dashboard_pages.json"
ORGANISER = "organiser@bench.example"
PARTNERS = ("Boutique", "Médiathèque", "Centre social")
MAX_P95_MS = 1_000.0
"""An organiser at the desk should not wait a second, even on a city-wide database."""


async def _busiest_session(url: str) -> int:
    db = Database(url)
    try:
        async with db.transaction() as session:
            query = select(func.max(WorkshopSession.id))
            return int((await session.execute(query)).scalar_one())
    finally:
        await db.dispose()


async def _three_partners(url: str, password_hash: str, session_id: int, network: bool) -> None:
    """Share the sessions among three organisations (by id); an organiser for the one of
    ``session_id`` (``network``: who sees them all)."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            ids = []
            for name in PARTNERS:
                organiser = await add_organiser(
                    session, f"{len(ids)}{ORGANISER}", password_hash, name, SystemClock().now()
                )
                ids.append(organiser.organisation_id)
            for index, organisation_id in enumerate(ids):
                await session.execute(
                    update(WorkshopSession)
                    .where(WorkshopSession.id % len(ids) == index)
                    .values(organisation_id=organisation_id)
                )
            mine = ids[session_id % len(ids)]
            await add_organiser(
                session,
                ORGANISER,
                password_hash,
                PARTNERS[ids.index(mine)],
                SystemClock().now(),
                network=network,
            )
    finally:
        await db.dispose()


async def measure(
    size: scale.Size, requests: int, kind: DatabaseKind, login: str = "shared"
) -> Result:
    """Seed, start the bot with the dashboard, log in, and time each page ``requests`` times
    (``login``: "shared" password, or one of three organisations' "organisation" or
    "network" organiser)."""
    organiser = login != "shared"
    with TemporaryDirectory() as directory:
        url = database_url(kind, Path(directory))
        seeded = await scale.seed(url, size)
        session_id = await _busiest_session(url)
        hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        if organiser:
            await _three_partners(url, hasher.hash(PASSWORD), session_id, login == "network")
        settings = settings_for(
            url,
            dashboard_password_hash=hasher.hash(PASSWORD),
            dashboard_secret_key=SECRET_KEY,
            telegram_bot_username="atelier_bench_bot",
            http_port=0,
        )
        runtime = Runtime(settings, SystemClock(), telegram_enabled=False)
        await runtime.start()
        try:
            assert runtime.http is not None
            root = f"http://127.0.0.1:{runtime.http.port}/admin"
            async with httpx.AsyncClient(timeout=30) as client:
                form = await client.get(f"{root}/login")
                token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
                fields = {"csrf_token": token, "password": PASSWORD}
                if organiser:
                    fields["email"] = ORGANISER
                await client.post(f"{root}/login", data=fields)
                pages = {
                    "sessions": "/sessions",
                    "roster": f"/sessions/{session_id}",
                    "figures": "/figures",
                }
                if login != "organisation":  # the outbox is everyone's: network only
                    pages["outbox"] = "/outbox"
                timings: dict[str, list[float]] = {name: [] for name in pages}
                for path in pages.values():  # warm up: templates compiled, caches filled
                    await client.get(f"{root}{path}")
                for _ in range(requests):
                    for name, path in pages.items():
                        started = time.perf_counter()
                        response = await client.get(f"{root}{path}")
                        timings[name].append((time.perf_counter() - started) * 1000)
                        if response.status_code != 200:
                            raise RuntimeError(f"{path} answered {response.status_code}")
        finally:
            await runtime.stop()
    metrics: list[Metric] = []
    for name, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        metrics.append(Metric(f"{name} p50", round(statistics.median(values), 1), "ms"))
        metrics.append(Metric.at_most(f"{name} p95", round(p95, 1), MAX_P95_MS, "ms"))
    return Result(
        NAME,
        metrics,
        {
            "people": size.people,
            "sessions": size.sessions,
            "bookings": size.bookings,
            "requests_per_page": requests,
            "seed_seconds": round(seeded.seconds, 1),
            "login": login,
        },
        kind,
    )


def benchmark(options: Options) -> Result:
    """The pages at the size the options ask for (entry point of ``bench.run``)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    size = scale.QUICK if options.quick else scale.FULL
    requests = QUICK_REQUESTS if options.quick else REQUESTS
    return asyncio.run(measure(size, requests, options.database))


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description="Dashboard page times on a full database.")
    parser.add_argument("--quick", action="store_true", help="the small database")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON")
    parser.add_argument(
        "--as",
        dest="login",
        choices=["shared", "organisation", "network"],
        default="shared",
        help="log in with the shared password, or as an organiser of three organisations",
    )
    args = parser.parse_args(argv)
    if args.login != "shared":
        logging.basicConfig(level=logging.WARNING)
        size = scale.QUICK if args.quick else scale.FULL
        requests = QUICK_REQUESTS if args.quick else REQUESTS
        result = asyncio.run(measure(size, requests, args.database, args.login))
    else:
        result = benchmark(Options(quick=args.quick, database=args.database))
    printed = table([result])
    print(printed)
    write_json(
        args.output, [result], {"quick": args.quick, "database": args.database}, machine(), printed
    )
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()

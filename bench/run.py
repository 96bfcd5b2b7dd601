"""Run the benchmarks, print one table and write ``bench/results.json``.

Each benchmark runs in a fresh process, once per database it covers, so that the memory one
measures is its own::

    python -m bench.run [--quick] [--only NAME] [--database sqlite|postgresql] [--profile]

Without ``--database`` each benchmark runs on the databases it is meant for; with it, every
selected benchmark runs on that database only. ``--profile`` also writes pyinstrument
profiles of the measured parts to ``bench/profiles/``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import (
    contention,
    conversation,
    dashboard_pages,
    import_files,
    reminder_fanout,
    rush,
    scale,
    startup,
    towns,
    understand,
    webhook_bodies,
    whatsapp,
)
from bench.databases import POSTGRES_URL
from bench.results import Database, Options, Result, machine, machine_line, table, write_json

RESULTS = Path(__file__).resolve().parent / "results.json"
BOTH: tuple[Database, ...] = ("sqlite", "postgresql")


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A named benchmark; ``function`` must be importable from a child process."""

    name: str
    function: Callable[[Options], Result]
    databases: tuple[Database, ...] = ("sqlite",)


BENCHMARKS: list[Benchmark] = [
    Benchmark(conversation.NAME, conversation.benchmark),
    Benchmark(contention.NAME, contention.benchmark, BOTH),
    Benchmark(reminder_fanout.NAME, reminder_fanout.benchmark),
    Benchmark(scale.NAME, scale.benchmark, BOTH),
    Benchmark(startup.NAME, startup.benchmark),
    Benchmark(webhook_bodies.NAME, webhook_bodies.benchmark),
    Benchmark(import_files.NAME, import_files.benchmark),
    Benchmark(whatsapp.NAME, whatsapp.benchmark),
    Benchmark(dashboard_pages.NAME, dashboard_pages.benchmark, BOTH),
    Benchmark(understand.NAME, understand.benchmark),
    Benchmark(rush.NAME, rush.benchmark, BOTH),
    Benchmark(rush.TWO_INSTANCES, rush.benchmark_two_instances, ("postgresql",)),
    Benchmark(towns.NAME, towns.benchmark, BOTH),
]


def run_apart(benchmark: Benchmark, options: Options) -> Result:
    """Run one benchmark in a process of its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(benchmark.function, options).result()


def selected(only: Sequence[str]) -> list[Benchmark]:
    """The benchmarks named in ``only`` (all when empty), in their usual order."""
    known = {benchmark.name for benchmark in BENCHMARKS}
    unknown = sorted(set(only) - known)
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(unknown)}; known: {sorted(known)}")
    return [b for b in BENCHMARKS if not only or b.name in only]


def plan(
    benchmarks: Sequence[Benchmark], database: Database | None
) -> list[tuple[Benchmark, Database]]:
    """Each benchmark with each database it runs on."""
    return [
        (benchmark, kind)
        for benchmark in benchmarks
        for kind in ((database,) if database else benchmark.databases)
    ]


async def _postgres_version() -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(make_url(POSTGRES_URL).set(database="postgres"))
    try:
        async with engine.connect() as connection:
            return str((await connection.execute(text("SHOW server_version"))).scalar_one())
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small sizes, to try things out")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only this benchmark"
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default=None,
        help="run every benchmark on this database only (default: each on its own)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="write pyinstrument profiles to bench/profiles/"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    runs = plan(selected(args.only), args.database)
    results: list[Result] = []
    seconds: dict[str, float] = {}
    for benchmark, kind in runs:
        options = Options(quick=args.quick, database=kind, profile=args.profile)
        print(f"== {benchmark.name} ({kind})", file=sys.stderr, flush=True)
        started = time.monotonic()
        results.append(run_apart(benchmark, options))
        seconds[f"{benchmark.name} ({kind})"] = round(time.monotonic() - started, 1)
    about = machine()
    if any(kind == "postgresql" for _, kind in runs):
        about["postgresql"] = asyncio.run(_postgres_version())
    printed = table(results)
    print(printed)
    print(f"\n{machine_line(about)}")
    recorded: dict[str, Any] = {
        "quick": args.quick,
        "database": args.database,
        "profile": args.profile,
        "only": args.only,
        "seconds_per_run": seconds,
    }
    write_json(args.output, results, recorded, about, printed)
    print(f"written to {args.output}")
    sys.exit(0 if all(result.ok for result in results) else 1)


if __name__ == "__main__":
    main()

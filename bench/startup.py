"""Start-up: from launching ``atelier run`` (a fresh ``python -m bot run``) to its first getUpdates.

The loopback Bot API runs in a process of its own and notes when each getUpdates arrives.
The first start finds an empty database and creates the schema; the next ones find it
migrated, as a restart does. For scale: the interpreter alone (start and exit), and the
bot's imports timed inside a fresh interpreter::

    python -m bench.startup --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bench.bot_process import start_bot, status_kib, stop_bot
from bench.databases import database_url, reset_postgres, sqlite_path
from bench.fake_bot_api_server import FakeBotApiProcess
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, table

NAME = "startup"
RUNS = 5
QUICK_RUNS = 2
BASELINE_RUNS = 3
FIRST_POLL_WITHIN = 120.0
IMPORTS = "import bot.cli, bot.runtime"
TOP_IMPORTS = 12


@dataclass(frozen=True, slots=True)
class Start:
    """One start: to the first getUpdates, then to the end after Ctrl-C."""

    seconds: float
    stop_seconds: float
    rss_kib: int
    exit_code: int


async def one_start(url: str, api: FakeBotApiProcess, directory: Path) -> Start:
    """Launch ``atelier run``, wait for its first getUpdates, interrupt it."""
    bot = await start_bot(url, api, directory)
    try:
        polled = await api.first_poll_after(bot.spawned_at, FIRST_POLL_WITHIN)
        if polled is None:
            raise RuntimeError(f"atelier run never polled:\n{bot.log_tail()}")
        await asyncio.sleep(1.0)
        rss = status_kib(bot.pid, "VmRSS")
    finally:
        interrupted = time.monotonic()
        code = await stop_bot(bot)
    return Start(polled - bot.spawned_at, time.monotonic() - interrupted, rss, code)


def python_seconds() -> float:
    """The median wall time of ``python -c pass`` (start and exit of the interpreter)."""
    times = []
    for _ in range(BASELINE_RUNS):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def import_seconds(statement: str = IMPORTS) -> float:
    """The median time ``statement`` takes in a fresh interpreter, timed inside it."""
    code = (
        "import time; started = time.perf_counter(); "
        f"{statement}; print(time.perf_counter() - started)"
    )
    times = []
    for _ in range(BASELINE_RUNS):
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def slowest_imports(statement: str = IMPORTS, top: int = TOP_IMPORTS) -> list[dict[str, Any]]:
    """The distributions whose own modules took longest to import (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        check=True,
        capture_output=True,
        text=True,
    )
    totals: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            package = match.group(2).split(".")[0]
            totals[package] = totals.get(package, 0) + int(match.group(1))
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:top]
    return [{"package": name, "ms": round(us / 1000, 1)} for name, us in ranked]


async def measure(kind: DatabaseKind, runs: int) -> Result:
    """A first start on an empty database, then ``runs`` starts on the migrated one."""
    with TemporaryDirectory(prefix="atelier-bench-") as directory:
        url = database_url(kind, Path(directory))
        path = sqlite_path(url)
        if path is None:
            await reset_postgres(url)
        async with FakeBotApiProcess() as api:
            first = await one_start(url, api, Path(directory))
            again = [await one_start(url, api, Path(directory)) for _ in range(runs)]
            stats = await api.stats()
    interpreter = python_seconds()
    imports = import_seconds()
    heaviest = slowest_imports()
    times = [start.seconds for start in again]
    metrics = [
        Metric("first start (creates the schema)", round(first.seconds, 2), "s"),
        Metric(
            f"start, migrated database: median of {runs}", round(statistics.median(times), 2), "s"
        ),
        Metric("  fastest / slowest", f"{min(times):.2f} / {max(times):.2f}", "s"),
        Metric("  of which: Python itself", round(interpreter, 2), "s"),
        Metric("  of which: importing the bot", round(imports, 2), "s"),
        Metric(
            "  heaviest imports",
            ", ".join(f"{entry['package']} {entry['ms']:.0f}" for entry in heaviest[:4]),
            "ms",
        ),
        Metric(
            "stop after Ctrl-C: median",
            round(statistics.median(s.stop_seconds for s in again), 2),
            "s",
        ),
        Metric.exactly(
            "exit codes other than 0", sum(s.exit_code != 0 for s in [first, *again]), 0
        ),
        Metric("resident memory 1 s after the first poll", round(first.rss_kib / 1024, 1), "MiB"),
    ]
    parameters = {
        "database": kind,
        "runs": runs,
        "first_start_s": round(first.seconds, 3),
        "starts_s": [round(t, 3) for t in times],
        "stops_s": [round(s.stop_seconds, 3) for s in again],
        "python_pass_s": round(interpreter, 3),
        "python_import_bot_s": round(imports, 3),
        "slowest_imports_self_ms": heaviest,
        "server_methods": stats.methods,
    }
    return Result(NAME, metrics, parameters, database=kind)


def benchmark(options: Options) -> Result:
    """Entry point of ``bench.run``."""
    return run(options.database, QUICK_RUNS if options.quick else RUNS)


def run(kind: DatabaseKind, runs: int = RUNS) -> Result:
    """The starts on a fresh database of ``kind``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(measure(kind, runs))


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description="Start-up benchmark.")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    result = run(args.database, args.runs)
    print(table([result]))
    for entry in result.parameters["slowest_imports_self_ms"]:
        print(f"  import {entry['package']}: {entry['ms']} ms")
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()

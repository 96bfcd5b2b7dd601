"""Run the benchmarks, print one table and write ``bench/results.json``.

Each benchmark runs in a fresh process, so that the memory one measures is its own::

    python -m bench.run [--quick] [--only NAME] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench import reminder_fanout
from bench.results import Options, Result, table, write_json

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A named benchmark; ``function`` must be importable from a child process."""

    name: str
    function: Callable[[Options], Result]


BENCHMARKS: list[Benchmark] = [
    Benchmark(reminder_fanout.NAME, reminder_fanout.benchmark),
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


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small sizes, to try things out")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only this benchmark"
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    options = Options(quick=args.quick, database=args.database)
    results = [run_apart(benchmark, options) for benchmark in selected(args.only)]
    print(table(results))
    write_json(args.output, results, options)
    print(f"\nwritten to {args.output}")
    sys.exit(0 if all(result.ok for result in results) else 1)


if __name__ == "__main__":
    main()

"""Understanding: ``atelier understand`` on 1,000 messages, the recogniser's load, the corpus.

The 1,000 messages are the held-out corpus repeated (each line read independently). The
load is timed in a fresh interpreter: importing ``core.understanding.intents``
and reading the shipped model. Accuracy per language and the dangerous mistakes are measured
on the held-out parts::

    python -m bench.understand [--output bench-understand.json]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.results import Metric, Options, Result, machine, table, write_json
from core.understanding.classifier import MODEL_PATH

NAME = "understand"
MESSAGES = 1000
RUNS = 3
DATA = Path(__file__).resolve().parent.parent / "data" / "intents"
HELD_OUT = ("intents_heldout11.csv",)
LOAD = (
    "import time; started = time.perf_counter(); "
    "from core.understanding import classifier, intents; classifier.shipped(); "
    "print(time.perf_counter() - started)"
)


def rows(name: str) -> list[dict[str, str]]:
    """One corpus file."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cli_seconds(lines: list[str]) -> float:
    """Wall time of one ``atelier understand`` over ``lines`` (start-up included)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "understand"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.monotonic() - started
    if len(done.stdout.splitlines()) != len(lines):
        raise RuntimeError("atelier understand did not answer every line")
    return elapsed


def load_seconds() -> float:
    """Import and model load in a fresh interpreter, timed inside it."""
    out = subprocess.run(
        [sys.executable, "-c", LOAD], capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip())


def quality() -> tuple[dict[str, float], int, int]:
    """Held-out accuracy per language, dangerous mistakes, and the number of messages."""
    from core.understanding.intents import read

    total: Counter[str] = Counter()
    good: Counter[str] = Counter()
    dangerous = 0
    held_out = [row for name in HELD_OUT for row in rows(name)]
    for row in held_out:
        reading = read(row["text"], row["language"])
        got = reading.intent.value
        total[row["language"]] += 1
        if got == row["intent"] and (got != "number" or str(reading.number) == row["number"]):
            good[row["language"]] += 1
        elif got in ("yes", "cancel", "forget") or (got == "number" and reading.number == 1):
            dangerous += 1
    return {lang: good[lang] / total[lang] for lang in sorted(total)}, dangerous, len(held_out)


def run(runs: int = RUNS) -> Result:
    """Measure and return the metrics."""
    texts = [row["text"] for name in HELD_OUT for row in rows(name)]
    lines = list(itertools.islice(itertools.cycle(texts), MESSAGES))
    wall = statistics.median(cli_seconds(lines) for _ in range(runs))
    load = statistics.median(load_seconds() for _ in range(runs))
    accuracy, dangerous, size = quality()
    corpus = Counter(r["language"] for name in ("intents_train.csv", *HELD_OUT) for r in rows(name))
    metrics = [
        Metric.below("atelier understand, 1,000 messages", round(wall, 2), 5.0, "s"),
        Metric.below("recogniser load (import + model)", round(load * 1000), 1000, "ms"),
        Metric.at_most("model file", MODEL_PATH.stat().st_size // 1024, 2048, "KiB"),
        *(
            Metric.at_least(f"held-out accuracy {lang}", round(value * 100, 1), 95.0, "%")
            for lang, value in accuracy.items()
        ),
        Metric.exactly("dangerous mistakes (held out)", dangerous, 0),
    ]
    parameters = {"messages": MESSAGES, "runs": runs, "held_out": size, "corpus": dict(corpus)}
    return Result(NAME, metrics, parameters)


def benchmark(options: Options) -> Result:
    """Entry point for ``bench.run``."""
    return run(1 if options.quick else RUNS)


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone, print its table, write its JSON."""
    parser = argparse.ArgumentParser(description="Understanding benchmark.")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--output", type=Path, default=Path("bench-understand.json"))
    args = parser.parse_args(argv)
    result = run(args.runs)
    printed = table([result])
    print(printed)
    write_json(args.output, [result], {"runs": args.runs}, machine(), printed)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()

"""The benchmark tables of ``docs/benchmarks.md``, rendered from the committed results.

``bench/published.json`` holds the runs the docs quote, one entry per benchmark and database,
each with the machine and date of its run, in the format ``bench/run.py`` writes. Each table
sits in ``docs/benchmarks.md`` between ``<!-- bench:begin NAME -->`` and
``<!-- bench:end NAME -->``; everything else in that file is prose, kept as written::

    python -m bench.report                               # rewrite the tables from the JSON
    python -m bench.report --check                       # exit 1 when the docs differ
    python -m bench.report --publish bench/results.json  # take in a fresh run, then rewrite
    python -m bench.report --publish bench/results.json --note "the machine was busy"

``--publish`` replaces the entries of the benchmarks the run covers (same name and database)
and keeps the others; a ``--quick`` run is refused, its sizes are not the ones the docs describe.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "bench" / "published.json"
DOC = ROOT / "docs" / "benchmarks.md"
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "": "value"}
BLOCK = re.compile(
    r"(<!-- bench:begin (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- bench:end (?P=name) -->)",
    re.DOTALL,
)


def load(path: Path = PUBLISHED) -> list[dict[str, Any]]:
    """The published entries, in their order."""
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["benchmarks"]
    return entries


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").strip()


def _metric_name(name: str) -> str:
    """A metric's name; the sub-lines bench indents with spaces get a dash."""
    return f"\N{EN DASH} {name.strip()}" if name.startswith(" ") else name.strip()


def _shown(metric: dict[str, Any]) -> str:
    return _cell(f"{metric['value']} {metric.get('unit', '')}")


def _met(metric: dict[str, Any]) -> str:
    ok = metric.get("ok")
    return "" if ok is None else "yes" if ok else "**no**"


def _run_line(entry: dict[str, Any]) -> str:
    """Where and when one entry was measured, and where its figures come from."""
    about = entry.get("machine", {})
    parts = [str(about.get("date", "date unknown"))[:10]]
    if about.get("cpu_count"):
        parts.append(f"{about['cpu_count']} CPUs")
    if about.get("python"):
        parts.append(f"Python {about['python']}")
    if about.get("postgresql") and entry.get("database") == "postgresql":
        parts.append(f"PostgreSQL {about['postgresql']}")
    label = DATABASES.get(entry.get("database", ""), entry.get("database", ""))
    where = f"{label}: " if entry.get("database") else ""
    line = f"{where}{', '.join(parts)}"
    if entry.get("source"):
        line += f"; {entry['source']}"
    return f"- {line}."


def _rows(entries: list[dict[str, Any]]) -> list[list[str]]:
    """One row per metric: its name, its value on each database, its target, whether met."""
    lists = [entry["metrics"] for entry in entries]
    names = [[m["name"] for m in metrics] for metrics in lists]
    if all(n == names[0] for n in names):
        aligned = [list(group) for group in zip(*lists, strict=True)]
    else:
        order: list[str] = []
        for metrics in lists:
            order += [m["name"] for m in metrics if m["name"] not in order]
        by_name = [{m["name"]: m for m in metrics} for metrics in lists]
        aligned = [[found.get(name, {"name": name}) for found in by_name] for name in order]
    rows = []
    for group in aligned:
        present = [m for m in group if "value" in m]
        values = [_shown(m) if "value" in m else "" for m in group]
        target = next((m.get("target", "") for m in present if m.get("target")), "")
        met = " / ".join(_met(m) for m in group if "value" in m) if target else ""
        rows.append([_metric_name(group[0]["name"]), *values, _cell(target), met])
    return rows


def table(name: str, entries: list[dict[str, Any]]) -> str:
    """The Markdown block of one benchmark: its runs, then its table."""
    mine = [entry for entry in entries if entry["name"] == name]
    if not mine:
        raise ValueError(f"no published results for {name!r}")
    headers = ["metric", *(DATABASES.get(e["database"], e["database"]) for e in mine)]
    headers += ["target", "met"]
    lines = ["", *(_run_line(entry) for entry in mine), ""]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in _rows(mine)]
    return "\n".join(lines) + "\n\n"


def render(document: str, entries: list[dict[str, Any]]) -> str:
    """``document`` with every marked block rewritten from ``entries``.

    Every published benchmark must have its block, and every block its results, so that no
    figure is left out of the docs nor kept there without a source.
    """
    marked = [match["name"] for match in BLOCK.finditer(document)]
    published = list(dict.fromkeys(entry["name"] for entry in entries))
    unmarked = [name for name in published if name not in marked]
    if unmarked:
        raise ValueError(f"no block in the docs for {', '.join(unmarked)}")
    return BLOCK.sub(
        lambda match: match[1] + table(match["name"], entries) + match[4],
        document,
    )


def publish(run: Path, path: Path = PUBLISHED, note: str = "") -> None:
    """Take the benchmarks of a ``bench/run.py`` output into the published results.

    ``note`` says what a reader should know about the run (a busy machine, a change tried).
    """
    fresh = json.loads(run.read_text(encoding="utf-8"))
    if fresh.get("options", {}).get("quick"):
        raise SystemExit(f"{run} is a --quick run: its sizes are not the ones the docs describe")
    document = json.loads(path.read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = document["benchmarks"]
    for benchmark in fresh["benchmarks"]:
        entry = {
            **benchmark,
            "machine": fresh["machine"],
            "source": "from `python -m bench.run`" + (f"; {note}" if note else ""),
        }
        key = (entry["name"], entry["database"])
        at = next((i for i, e in enumerate(entries) if (e["name"], e["database"]) == key), None)
        if at is None:
            entries.append(entry)
        else:
            entries[at] = entry
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description="Write the benchmark tables into the docs.")
    parser.add_argument("--check", action="store_true", help="only say whether the docs differ")
    parser.add_argument(
        "--publish",
        type=Path,
        action="append",
        default=[],
        metavar="RUN",
        help="a bench/run.py output to take in first (may be repeated)",
    )
    parser.add_argument("--note", default="", help="with --publish: what to know about the run")
    parser.add_argument("--results", type=Path, default=PUBLISHED, help="the published JSON")
    parser.add_argument("--doc", type=Path, default=DOC, help="the Markdown file")
    args = parser.parse_args(argv)
    for run in args.publish:
        publish(run, args.results, args.note)
    before = args.doc.read_text(encoding="utf-8")
    after = render(before, load(args.results))
    if args.check:
        if after != before:
            print(f"{args.doc} differs from {args.results}: run `make bench-docs`")
            sys.exit(1)
        return
    args.doc.write_text(after, encoding="utf-8")
    print(f"{args.doc} written from {args.results}")


if __name__ == "__main__":
    main()

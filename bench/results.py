"""What a benchmark reports: measured values against their targets, as a table and as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Database = Literal["sqlite", "postgresql"]
Value = int | float | str

HEADERS = ("benchmark", "metric", "value", "target", "ok?")


@dataclass(frozen=True, slots=True)
class Options:
    """How to run a benchmark: small sizes or the real ones, on which database, profiled."""

    quick: bool = False
    database: Database = "sqlite"
    profile: bool = False


@dataclass(frozen=True, slots=True)
class Metric:
    """One measured value, with its unit and, when it has one, its target."""

    name: str
    value: Value
    unit: str = ""
    target: str = ""
    ok: bool | None = None

    @classmethod
    def at_least(cls, name: str, value: int | float, floor: int | float, unit: str = "") -> Metric:
        """A value that must reach ``floor``."""
        return cls(name, value, unit, f">= {floor}", value >= floor)

    @classmethod
    def at_most(cls, name: str, value: int | float, ceiling: int | float, unit: str = "") -> Metric:
        """A value that must not pass ``ceiling``."""
        return cls(name, value, unit, f"<= {ceiling}", value <= ceiling)

    @classmethod
    def below(cls, name: str, value: int | float, ceiling: int | float, unit: str = "") -> Metric:
        """A value that must stay under ``ceiling``."""
        return cls(name, value, unit, f"< {ceiling}", value < ceiling)

    @classmethod
    def exactly(cls, name: str, value: int, expected: int, unit: str = "") -> Metric:
        """A count that must be ``expected``."""
        return cls(name, value, unit, f"= {expected}", value == expected)

    @property
    def shown(self) -> str:
        """The value with its unit, as printed."""
        return f"{self.value} {self.unit}".rstrip()


@dataclass(frozen=True, slots=True)
class Result:
    """Everything one benchmark measured, and the parameters it ran with."""

    benchmark: str
    metrics: list[Metric]
    parameters: dict[str, Any] = field(default_factory=dict)
    database: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    """Long material kept in the JSON only (query plans, profiles)."""

    @property
    def label(self) -> str:
        """The benchmark's name, with its database when it has one."""
        return f"{self.benchmark} ({self.database})" if self.database else self.benchmark

    @property
    def ok(self) -> bool:
        """Whether every metric that has a target met it."""
        return all(metric.ok is not False for metric in self.metrics)


def peak_rss_kib() -> int:
    """Peak resident memory of this process, in KiB.

    Read from ``VmHWM`` on Linux: ``ru_maxrss`` survives ``exec`` and so reports the parent's
    peak for a child process started by ``subprocess`` or ``multiprocessing``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def table(results: Iterable[Result]) -> str:
    """A plain-text table, one line per metric."""
    rows = [
        (
            result.label,
            metric.name,
            metric.shown,
            metric.target or "-",
            "" if metric.ok is None else "yes" if metric.ok else "NO",
        )
        for result in results
        for metric in result.metrics
    ]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    right = {2}

    def line(cells: tuple[str, ...]) -> str:
        padded = (
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(HEADERS), rule, *(line(row) for row in rows)])


def _proc_value(path: str, key: str) -> str:
    """The value of the first ``key: value`` line of a /proc file ("" when missing)."""
    try:
        with open(path, encoding="ascii", errors="replace") as lines:
            for line in lines:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return ""


def machine() -> dict[str, Any]:
    """Where the benchmarks ran."""
    memory = _proc_value("/proc/meminfo", "MemTotal").split()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name") or platform.processor(),
        "cpu_count": os.cpu_count(),
        "memory_mib": int(memory[0]) // 1024 if memory else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def machine_line(about: dict[str, Any]) -> str:
    """The machine in one line, for under the table."""
    parts = [
        f"{about['cpu_model']} ({about['cpu_count']} CPUs)",
        f"{about['memory_mib']} MiB",
        f"{about['implementation']} {about['python']}",
        f"SQLite {about['sqlite']}",
    ]
    if about.get("postgresql"):
        parts.append(f"PostgreSQL {about['postgresql']}")
    return f"{about['platform']}: " + ", ".join(parts)


def write_json(
    path: Path,
    results: Iterable[Result],
    options: dict[str, Any],
    about: dict[str, Any],
    printed: str = "",
) -> None:
    """Write the results, the options, the machine and the printed table to ``path``."""
    document = {
        "machine": about,
        "options": options,
        "table": printed.splitlines(),
        "benchmarks": [
            {
                "name": result.benchmark,
                "database": result.database,
                "ok": result.ok,
                "parameters": result.parameters,
                "metrics": [asdict(metric) for metric in result.metrics],
                **result.details,
            }
            for result in results
        ],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

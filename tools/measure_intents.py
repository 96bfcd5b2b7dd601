"""Measure the context-free reading on a labelled CSV (``text,language,intent,number``).

Each message is read as ``atelier understand --language LANG`` reads it (a person on the main
menu, no learned examples). Prints the share read right overall, per language and per
intent (recall), then the dangerous readings: a yes, a cancel, an erase (forget), a stop or a
choice number read where the person meant something else, or a wrong choice number::

    python -m tools.measure_intents FILE.csv [FILE.csv ...] [--wrong]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DANGEROUS = frozenset({"yes", "cancel", "forget", "stop", "number"})
"""Readings that act or answer a question when the person meant something else."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One message: what it meant, what was read."""

    text: str
    language: str
    intent: str
    number: str
    got: str
    got_number: str
    by: str

    @property
    def right(self) -> bool:
        """Read as meant (with the same number for a choice)."""
        return self.got == self.intent and (self.got != "number" or self.got_number == self.number)

    @property
    def dangerous(self) -> bool:
        """Read wrong as an act, a yes or a choice."""
        return not self.right and self.got in DANGEROUS

    def shown(self) -> str:
        """One line for a listing."""
        meant = self.intent + (f" {self.number}" if self.number else "")
        read = self.got + (f" {self.got_number}" if self.got_number else "")
        return f"  [{self.language}] {meant:<12} read {read:<12} ({self.by}) {self.text}"


def outcomes(path: Path) -> list[Outcome]:
    """Every message of a labelled CSV, read context-free in its language."""
    from core.understanding.intents import read

    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    out = []
    for row in table:
        reading = read(row["text"], row["language"] or None)
        number = "" if reading.number is None else str(reading.number)
        out.append(
            Outcome(
                row["text"],
                row["language"],
                row["intent"],
                (row.get("number") or "").strip(),
                reading.intent.value,
                number,
                reading.by,
            )
        )
    return out


def share(part: list[Outcome]) -> str:
    """'93.5 % (187/200)'."""
    good = sum(o.right for o in part)
    return f"{good / len(part):.1%} ({good}/{len(part)})" if part else "-"


def report(path: Path, wrong: bool = False) -> str:
    """The figures of one file, as printed."""
    seen = outcomes(path)
    lines = [f"{path.name}: {share(seen)} read right, {sum(o.dangerous for o in seen)} dangerous"]
    lines.append("per language:")
    for language in sorted({o.language for o in seen}):
        lines.append(f"  {language}: {share([o for o in seen if o.language == language])}")
    lines.append("per intent (recall):")
    for intent, _ in sorted(Counter(o.intent for o in seen).items()):
        lines.append(f"  {intent:<12} {share([o for o in seen if o.intent == intent])}")
    danger = [o for o in seen if o.dangerous]
    lines.append(f"dangerous readings ({len(danger)}):")
    lines.extend(o.shown() for o in danger)
    if wrong:
        others = [o for o in seen if not o.right and not o.dangerous]
        lines.append(f"other readings not as meant ({len(others)}):")
        lines.extend(o.shown() for o in others)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--wrong", action="store_true", help="also list every other miss")
    args = parser.parse_args(argv)
    print("\n\n".join(report(path, args.wrong) for path in args.files))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The gate a label passes before it is learned: fixed messages whose meaning is known.

The gate sets (``data/gate/``, copies of the corpus's heldout11 and independent sets) ship
with the package, so a label is checked where the bot runs, without a developer. A label is
refused when, learned, it would read fewer gate messages right, or read one of them as an
act (yes, cancel, erase, stop, or the choice 1) that the message does not ask for. Only the
gate messages that the new examples match can change, so only those are read again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.understanding.learned import LearnedExamples, keys_of, using
from core.understanding.normalising import is_question
from core.understanding.pipeline import read
from core.understanding.reading import Reading, TextIntent

FOLDER = Path(__file__).with_name("data") / "gate"
SETS = ("heldout11.csv", "independent.csv")
DANGEROUS = frozenset({TextIntent.YES, TextIntent.CANCEL, TextIntent.FORGET, TextIntent.STOP})
"""Read where the person meant something else, each starts what they did not ask for."""


@dataclass(frozen=True, slots=True)
class GateMessage:
    """A gate message and what it means."""

    text: str
    language: str
    intent: TextIntent
    number: int | None
    keys: frozenset[str]

    def right(self, reading: Reading) -> bool:
        """Whether a reading is what the message means."""
        if reading.intent != self.intent:
            return False
        return self.intent != TextIntent.NUMBER or reading.number == self.number

    def dangerous(self, reading: Reading) -> bool:
        """Whether a reading starts an act the message does not ask for."""
        if reading.intent in DANGEROUS:
            return reading.intent != self.intent
        if reading.intent == TextIntent.NUMBER and reading.number == 1:
            return not (self.intent == TextIntent.NUMBER and self.number == 1)
        return False


@cache
def gate_messages() -> tuple[GateMessage, ...]:
    """Every gate message, read once from the package."""
    found: list[GateMessage] = []
    for name in SETS:
        with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found.append(
                    GateMessage(
                        row["text"],
                        row["language"],
                        TextIntent(row["intent"]),
                        int(row["number"]) if row["number"] else None,
                        frozenset(keys_of(row["text"], row["language"])),
                    )
                )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the gate says of a label: accepted, or why not."""

    lost: int = 0
    """How many more gate messages would be read wrong."""
    dangerous: tuple[tuple[TextIntent, TextIntent], ...] = ()
    """Each act it would read on a gate message: (read, meant)."""

    learnable: bool = True
    """False for what is never learned (yes, stop, a number, a text with nothing left)."""

    @property
    def accepted(self) -> bool:
        """Whether the label may be learned."""
        return self.learnable and self.lost <= 0 and not self.dangerous


def judge_label(
    learned: LearnedExamples, labelled: Iterable[tuple[str, str | None, TextIntent]]
) -> Verdict:
    """Whether the ``labelled`` messages may join the ``learned`` examples."""
    labelled = list(labelled)
    candidate = LearnedExamples(labelled)
    after = learned.plus(labelled)
    touched = [
        message
        for message in gate_messages()
        if any(candidate.match(key.split(), is_question(message.text)) for key in message.keys)
    ]
    lost = 0
    dangerous: list[tuple[TextIntent, TextIntent]] = []
    for message in touched:
        with using(learned):
            before = read(message.text, message.language)
        with using(after):
            now = read(message.text, message.language)
        lost += int(message.right(before)) - int(message.right(now))
        if message.dangerous(now) and not message.dangerous(before):
            dangerous.append((now.intent, message.intent))
    return Verdict(lost, tuple(dangerous))

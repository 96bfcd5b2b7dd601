"""Understanding what a person wrote, in their own words, in four languages: the entry points.

The reading itself is a named pipeline (``core.understanding.pipeline``): normalisation, slash
commands, a choice number, short answers, a linear classifier with a probability, then the
safety rules (``core.understanding.safety``) and the corrections
(``core.understanding.corrections``), each one a named component. Thresholds live in
``core.understanding.thresholds``. Only the meaning is decided here; nothing is ever booked or
cancelled from a written word alone: every such intent leads to a screen that asks for
confirmation.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from core.understanding.commands import COMMANDS, command_of
from core.understanding.normalising import normalise
from core.understanding.numbers import choice_number
from core.understanding.pipeline import COMPONENTS, Readings, read, read_both
from core.understanding.reading import Reading, TextIntent
from core.understanding.thresholds import TITLE_MIN_CHARS, TITLE_SCORE


def intent_of(text: str, language: str | None = None) -> TextIntent | None:
    """The intent of a written message, or None when it is not understood."""
    intent = read(text, language).intent
    return None if intent == TextIntent.UNKNOWN else intent


def number_of(text: str, language: str | None = None) -> int | None:
    """The choice number a message clearly names: '2', 'le 3', '3 stp', 'la deuxième'."""
    return choice_number(normalise(text, language).split())


def opt_out_of(
    text: str, language: str | None = None, reading: Reading | None = None
) -> bool | None:
    """True for STOP and its everyday forms, False for START, else None.

    ``reading`` is the message's reading in ``language`` when it was already read.
    """
    command = command_of(text)
    if command is not None:
        return {"stop": True, "start": False}.get(command[0]) if not command[1] else None
    intent = (reading or read(text, language)).intent
    if intent == TextIntent.STOP:
        return True
    if intent == TextIntent.START:
        return False
    return None


def best_title(text: str, titles: list[str]) -> int | None:
    """The index of the title a message names, even approximately, if one clearly does."""
    clean = normalise(text)
    if len(clean) < TITLE_MIN_CHARS or not titles:
        return None
    choices = [normalise(title) for title in titles]
    best = process.extractOne(clean, choices, scorer=fuzz.WRatio, score_cutoff=TITLE_SCORE)
    return None if best is None else int(best[2])


__all__ = [
    "COMMANDS",
    "COMPONENTS",
    "Reading",
    "Readings",
    "TextIntent",
    "best_title",
    "command_of",
    "intent_of",
    "normalise",
    "number_of",
    "opt_out_of",
    "read",
    "read_both",
]

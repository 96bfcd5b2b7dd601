"""The limits of a session's fields, defined once for the importer, the services and the forms.

A check returns an error code (``required``, ``too_long``, ``control_character``,
``not_a_number``, ``out_of_range``) that each caller words for its reader.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CONTROL_ALLOWED = frozenset("\n\t")
"""Control characters a text may hold: a line break and a tab (a description's layout)."""


@dataclass(frozen=True, slots=True)
class TextLimit:
    """How long a text field may be, and whether it may be empty."""

    length: int
    required: bool = True


@dataclass(frozen=True, slots=True)
class NumberRange:
    """The whole numbers a field accepts, both ends included."""

    low: int
    high: int

    def holds(self, number: int) -> bool:
        """Whether ``number`` is in the range."""
        return self.low <= number <= self.high


TEXT_LIMITS: dict[str, TextLimit] = {
    "title": TextLimit(200),
    "description": TextLimit(2000, required=False),
    "venue": TextLimit(200),
    "address": TextLimit(300),
    "bring": TextLimit(300, required=False),
    "access": TextLimit(300, required=False),
}
PLACE_LIMITS: dict[str, TextLimit] = {
    "town": TextLimit(100, required=False),
    "postcode": TextLimit(10, required=False),
}
"""The schedule file's place columns, kept on the venue (the session form has none)."""
AUDIENCE_LENGTH = 32
DURATION_MINUTES = NumberRange(1, 24 * 60)
CAPACITY = NumberRange(1, 10_000)
NUMBER_RANGES: dict[str, NumberRange] = {
    "duration_minutes": DURATION_MINUTES,
    "capacity": CAPACITY,
}


def one_line_end(text: str) -> str:
    """A line break typed on Windows or sent by a browser's text area (CR LF), or by an old
    Macintosh (CR), is a line break (LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def has_control_character(text: str) -> bool:
    """Whether ``text`` holds a NUL, an escape or another control character (tab and line
    break aside), a lone surrogate or a noncharacter (U+FFFE): they would reach Telegram, the
    calendar file, the phone line's XML and the database as they are."""
    return any(
        (unicodedata.category(char) in ("Cc", "Cs") and char not in CONTROL_ALLOWED)
        or _noncharacter(char)
        for char in text
    )


def _noncharacter(char: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane: never text."""
    point = ord(char)
    return 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


def text_limit(name: str) -> TextLimit:
    """The limit of a text field of a session or of its venue."""
    return TEXT_LIMITS[name] if name in TEXT_LIMITS else PLACE_LIMITS[name]


def text_problem(name: str, text: str) -> str | None:
    """What is wrong with the (already stripped) text of field ``name``, or None."""
    limit = text_limit(name)
    if has_control_character(text):
        return "control_character"
    if limit.required and not text:
        return "required"
    if len(text) > limit.length:
        return "too_long"
    return None


def number_problem(name: str, number: int) -> str | None:
    """``out_of_range`` when ``number`` is outside the range of field ``name``, else None."""
    return None if NUMBER_RANGES[name].holds(number) else "out_of_range"

"""SMS text: the GSM-7 alphabet only, counted in segments, kept within two.

Anything outside GSM-7 would switch the whole message to UCS-2 (70 characters a segment
instead of 160), so accented letters GSM-7 lacks are transliterated and emoji dropped.
"""

from __future__ import annotations

import math
import re
import unicodedata

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
"""Characters that take two septets (an escape, then the character)."""

SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153
MAX_SEGMENTS = 2
MAX_SEPTETS = MAX_SEGMENTS * MULTI_SEGMENT  # 306

_REPLACEMENTS = {
    "\u0131": "i",  # Turkish dotless i
    "\u00ab": '"',  # «
    "\u00bb": '"',  # »
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "œ": "oe",
    "Œ": "OE",
    "ç": "c",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
}


def _transliterate(char: str) -> str:
    if char in GSM7_BASIC or char in GSM7_EXTENSION:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return "".join(c for c in base if c in GSM7_BASIC or c in GSM7_EXTENSION)


def to_gsm7(text: str) -> str:
    """``text`` in GSM-7 characters only: accents GSM-7 lacks removed, emoji dropped."""
    text = re.sub("\u00ab\\s*|\\s*\u00bb", '"', text)  # « guillemets » as "quotes"
    converted = "".join(_transliterate(char) for char in text)
    converted = re.sub(r"[ \t]{2,}", " ", converted)
    return "\n".join(line.strip() for line in converted.split("\n"))


def septets(text: str) -> int:
    """Length of GSM-7 ``text`` in septets (extension characters count twice)."""
    return sum(2 if char in GSM7_EXTENSION else 1 for char in text)


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes (GSM-7, or UCS-2 when it must be)."""
    if not is_gsm7(text):
        return unicode_segments(text)
    length = septets(text)
    if length <= SINGLE_SEGMENT:
        return 1
    return math.ceil(length / MULTI_SEGMENT)


UNICODE_SINGLE = 70
UNICODE_MULTI = 67
MAX_UNICODE_SEGMENTS = 4
MAX_UNICODE = MAX_UNICODE_SEGMENTS * UNICODE_MULTI  # 268
"""Arabic cannot be written in GSM-7: such texts go as UCS-2, up to four segments."""


def is_gsm7(text: str) -> bool:
    """Whether every character of ``text`` is in GSM-7."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def unicode_segments(text: str) -> int:
    """How many UCS-2 segments ``text`` takes (characters outside the BMP count twice)."""
    length = sum(2 if ord(char) > 0xFFFF else 1 for char in text)
    if length <= UNICODE_SINGLE:
        return 1
    return math.ceil(length / UNICODE_MULTI)


def fit_unicode(text: str, limit: int = MAX_UNICODE) -> str:
    """Cut a UCS-2 text to ``limit`` characters, ending with "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def fit(text: str, limit: int = MAX_SEPTETS) -> str:
    """Cut GSM-7 ``text`` to ``limit`` septets, ending with "..." when it was cut."""
    if septets(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        cost = 2 if char in GSM7_EXTENSION else 1
        if used + cost > limit - 3:
            break
        kept.append(char)
        used += cost
    return "".join(kept).rstrip() + "..."

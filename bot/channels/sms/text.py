"""SMS text: the GSM-7 alphabet only, counted in segments, kept within two.

Segments are counted as phones and providers split a long text: 160 septets (or 70
UTF-16 units) alone, else 153 (or 67) a part, an escaped character or a surrogate pair
never split across two parts.

Anything outside GSM-7 would switch the whole message to UCS-2 (70 characters a segment
instead of 160), so accented letters GSM-7 lacks are transliterated and emoji dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

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
    return sum(_septet_costs(text))


def _septet_costs(text: str) -> list[int]:
    return [2 if char in GSM7_EXTENSION else 1 for char in text]


def _utf16_costs(text: str) -> list[int]:
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _pack(costs: list[int], single: int, multi: int) -> int:
    """Segments for characters of these costs: one if all fit in ``single``, else
    ``multi`` a segment (the rest holds the concatenation header), no character split
    across two (an escape and its character, or a surrogate pair, stay together)."""
    if sum(costs) <= single:
        return 1
    count, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            count, used = count + 1, 0
        used += cost
    return count


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes (GSM-7, or UCS-2 when it must be)."""
    if not is_gsm7(text):
        return unicode_segments(text)
    return _pack(_septet_costs(text), SINGLE_SEGMENT, MULTI_SEGMENT)


UNICODE_SINGLE = 70
UNICODE_MULTI = 67
MAX_UNICODE_SEGMENTS = 4
MAX_UNICODE = MAX_UNICODE_SEGMENTS * UNICODE_MULTI  # 268
"""Arabic cannot be written in GSM-7: such texts go as UCS-2, up to four segments."""


def is_gsm7(text: str) -> bool:
    """Whether every character of ``text`` is in GSM-7."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def utf16_units(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (UCS-2 segments count those)."""
    return sum(_utf16_costs(text))


def unicode_segments(text: str) -> int:
    """How many UCS-2 segments ``text`` takes (characters outside the BMP count twice)."""
    return _pack(_utf16_costs(text), UNICODE_SINGLE, UNICODE_MULTI)


def fit_unicode(
    text: str, limit: int = MAX_UNICODE, max_segments: int = MAX_UNICODE_SEGMENTS
) -> str:
    """Cut a UCS-2 text to ``limit`` UTF-16 units and ``max_segments``, ending with "…"
    when it was cut."""
    if utf16_units(text) <= limit and unicode_segments(text) <= max_segments:
        return text
    return _cut(text, _utf16_costs(text), limit, "\u2026", unicode_segments, max_segments)


def fit(text: str, limit: int = MAX_SEPTETS, max_segments: int = MAX_SEGMENTS) -> str:
    """Cut GSM-7 ``text`` to ``limit`` septets and ``max_segments``, ending with "..."
    when it was cut."""
    if septets(text) <= limit and segments(text) <= max_segments:
        return text
    return _cut(text, _septet_costs(text), limit, "...", segments, max_segments)


def _cut(
    text: str,
    costs: list[int],
    limit: int,
    ellipsis: str,
    count: Callable[[str], int],
    max_segments: int,
) -> str:
    """The longest start of ``text``, with ``ellipsis``, within ``limit`` and the segments."""
    room = limit - len(ellipsis)
    kept = 0
    used = 0
    for cost in costs:
        if used + cost > room:
            break
        kept, used = kept + 1, used + cost
    while kept > 0 and count(text[:kept].rstrip() + ellipsis) > max_segments:
        kept -= 1
    return text[:kept].rstrip() + ellipsis

"""A place name as compared: lower case, no accents, words separated by one space."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

_WORDS = Path(__file__).parent / "words.toml"
_SEPARATORS = re.compile(r"[\s'’`\-_.,;:!?()/\"]+")
_SAINT = re.compile(r"\b(st|ste)\b")


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """``"Saint-Julien-lès-Metz"`` -> ``"saint julien les metz"``; "St" reads as "saint"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    spaced = _SEPARATORS.sub(" ", bare).strip()
    return _SAINT.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", spaced)


@cache
def _lists() -> dict[str, tuple[str, ...]]:
    with _WORDS.open("rb") as handle:
        raw = tomllib.load(handle)
    return {
        key: tuple(sorted({folded(w) for w in words}, key=len, reverse=True))
        for key, words in raw.items()
    }


def without_fillers(name: str) -> str:
    """A folded message without the words around the place ("a cote de metz" -> "metz")."""
    words = name.split()
    changed = True
    while changed and words:
        changed = False
        joined = " ".join(words)
        for filler in _lists()["fillers"]:
            if joined == filler:
                return ""
            if joined.startswith(filler + " "):
                words = words[len(filler.split()) :]
                changed = True
                break
    return " ".join(words)


def change_town_phrases() -> tuple[str, ...]:
    """Folded phrases that ask to choose the town again."""
    return _lists()["change_town"]


def abroad() -> frozenset[str]:
    """Folded names of towns near France that are not French communes."""
    return frozenset(_lists()["abroad"])

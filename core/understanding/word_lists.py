"""The word lists as data: ``words/{fr,en,ar,tr}.toml``, one list per idea per language.

Each file is read once, at import. An idea's list is its words in every language together:
a person is understood in any language whatever language they chose. Words are written in
their normalised form (``core.understanding.normalising``). Each file ends with tables: the
spellings that normalisation writes out (``[spelling]``, ``[spelling_in_this_language]``) and
the number words of choices (``[cardinal]``, ``[ordinal]``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

FOLDER = Path(__file__).with_name("words")
LANGUAGES = ("fr", "en", "ar", "tr")


def _load() -> dict[str, dict[str, object]]:
    """Each language's file: its ideas (lists) and its spelling tables."""
    tables: dict[str, dict[str, object]] = {}
    for language in LANGUAGES:
        with (FOLDER / f"{language}.toml").open("rb") as handle:
            tables[language] = tomllib.load(handle)
    return tables


FILES = _load()
BY_LANGUAGE: dict[str, dict[str, list[str]]] = {
    language: {name: value for name, value in table.items() if isinstance(value, list)}
    for language, table in FILES.items()
}
"""Each language's ideas and their words."""
TABLES: dict[str, dict[str, dict[str, object]]] = {
    language: {name: value for name, value in table.items() if isinstance(value, dict)}
    for language, table in FILES.items()
}
"""Each language's tables: spellings (written form -> plain form), numbers (word -> value)."""
IDEAS = frozenset(idea for table in BY_LANGUAGE.values() for idea in table)
"""Every idea named in at least one language."""


def words(idea: str) -> tuple[str, ...]:
    """An idea's words in every language (French first), each once."""
    if idea not in IDEAS:
        raise KeyError(f"no word list named {idea!r} in {FOLDER}")
    found = (word for language in LANGUAGES for word in BY_LANGUAGE[language].get(idea, []))
    return tuple(dict.fromkeys(found))


def word_set(*ideas: str) -> frozenset[str]:
    """The words of one or more ideas, as a set."""
    return frozenset(word for idea in ideas for word in words(idea))


class Phrases:
    """Phrases looked up by their first word, to tell quickly which one a message holds at a
    given place ("ma grand mere", "dear sir or madam")."""

    def __init__(self, phrases: Iterable[str]) -> None:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in {tuple(p.split()) for p in phrases if p.strip()}:
            by_first.setdefault(phrase[0], []).append(phrase)
        self._by_first = {
            first: tuple(sorted(found, key=len, reverse=True)) for first, found in by_first.items()
        }

    def at(self, words: list[str], i: int = 0) -> int:
        """How many words the longest phrase starting at index ``i`` takes (0: none)."""
        if i >= len(words):
            return 0
        for phrase in self._by_first.get(words[i], ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                return len(phrase)
        return 0


def says(words: list[str], phrases: tuple[str, ...]) -> bool:
    """Whether the words hold one of ``phrases`` as whole words ("à nouveau", "from my phone")."""
    text = f" {' '.join(words)} "
    return any(f" {phrase} " in text for phrase in phrases)


def _table(name: str, language: str | None) -> dict[str, object]:
    """A table of one language, or of every language together (no key with two values)."""
    if language is not None:
        return dict(TABLES[language].get(name, {}))
    merged: dict[str, object] = {}
    for each in LANGUAGES:
        for key, value in TABLES[each].get(name, {}).items():
            if merged.setdefault(key, value) != value:
                raise ValueError(f"{key!r} has two values in the tables {name!r}")
    return merged


def spellings(name: str, language: str | None = None) -> dict[str, str]:
    """A spelling table (written form -> plain form) of one language, or of all of them."""
    return {key: str(value) for key, value in _table(name, language).items()}


def numbers(name: str) -> dict[str, int]:
    """A table of number words (word -> value), every language together."""
    return {key: int(str(value)) for key, value in _table(name, None).items()}

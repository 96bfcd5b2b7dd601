"""The word lists as data: ``words/{fr,en,ar,tr}.toml``, one list per idea per language.

Each file is read once, at import. An idea's list is its words in every language together:
a person is understood in any language whatever language they chose. Words are written in
their normalised form (``core.understanding.normalising``). Each file ends with tables of
spellings (``[spelling]``, ``[spelling_in_this_language]``) that normalisation writes out.
"""

from __future__ import annotations

import tomllib
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
SPELLINGS: dict[str, dict[str, dict[str, str]]] = {
    language: {name: value for name, value in table.items() if isinstance(value, dict)}
    for language, table in FILES.items()
}
"""Each language's spelling tables: written form -> plain form."""
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


def spellings(table: str, language: str | None = None) -> dict[str, str]:
    """A spelling table of one language, or of every language together (no form in two)."""
    if language is not None:
        return dict(SPELLINGS[language].get(table, {}))
    merged: dict[str, str] = {}
    for each in LANGUAGES:
        for written, plain in SPELLINGS[each].get(table, {}).items():
            if merged.setdefault(written, plain) != plain:
                raise ValueError(f"{written!r} is written out two ways in {table!r}")
    return merged

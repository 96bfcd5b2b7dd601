"""The word lists as data: ``words/{fr,en,ar,tr}.toml``, one list per idea per language.

Each file is read once, at import. An idea's list is its words in every language together:
a person is understood in any language whatever language they chose. Words are written in
their normalised form (``core.understanding.normalising``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

FOLDER = Path(__file__).with_name("words")
LANGUAGES = ("fr", "en", "ar", "tr")


def _load() -> dict[str, dict[str, list[str]]]:
    """Each language's ideas and their words."""
    tables: dict[str, dict[str, list[str]]] = {}
    for language in LANGUAGES:
        with (FOLDER / f"{language}.toml").open("rb") as handle:
            tables[language] = tomllib.load(handle)
    return tables


BY_LANGUAGE = _load()
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

"""The word lists as data: four files, one list per idea per language, shipped with the code."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.understanding import word_lists
from core.understanding.intents import read
from core.understanding.normalising import bare, normalise, squeeze

ROOT = Path(__file__).resolve().parents[3]


def test_each_language_has_its_own_file_of_word_lists() -> None:
    assert sorted(p.stem for p in word_lists.FOLDER.glob("*.toml")) == ["ar", "en", "fr", "tr"]
    for language, table in word_lists.BY_LANGUAGE.items():
        assert table, language
        for idea, words in table.items():
            assert words, (language, idea)
            assert all(isinstance(word, str) and word for word in words), (language, idea)
            assert len(set(words)) == len(words), f"a word written twice in {language}:{idea}"


NEVER_MATCHED: set[str] = set()
"""Words as written that the normaliser never leaves (an accent, a capital, "ى" or "ئ" where it
writes "ي"): none; each list is written as the normaliser leaves it."""


def test_every_word_is_written_as_the_normaliser_leaves_it() -> None:
    """A word with an accent, a capital or another form of an Arabic letter never matches."""
    unmatched = set()
    for table in word_lists.BY_LANGUAGE.values():
        for words in table.values():
            for word in words:
                if " ".join(squeeze(part) for part in bare(word).split()) != word:
                    unmatched.add(word)
    assert unmatched == NEVER_MATCHED


def test_the_yes_ideas_say_how_they_differ_and_share_no_word() -> None:
    yes, alone = word_lists.word_set("yes"), word_lists.word_set("yes_alone")
    in_a_sentence = word_lists.word_set("yes_in_a_sentence")
    assert not yes & alone
    assert not yes & in_a_sentence
    assert not alone & in_a_sentence
    assert not word_lists.word_set("thank") & word_lists.word_set("said_with_thanks")
    assert read("tout à fait", "fr").intent == "yes"  # a form read as a yes alone
    assert read("je viendrai", "fr").by != "short_answer"  # a yes only inside a sentence


def test_an_unknown_idea_is_refused() -> None:
    with pytest.raises(KeyError):
        word_lists.words("no_such_idea")


def test_the_package_ships_the_word_lists() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        package_data = tomllib.load(handle)["tool"]["setuptools"]["package-data"]
    assert "understanding/words/*.toml" in package_data["core"]


def test_spellings_are_written_out_in_every_language_or_only_in_their_own() -> None:
    assert normalise("jveu annuler") == "je veux annuler"  # a French spelling, for everyone
    assert normalise("slm", "fr") == "selam"  # a Turkish one, even for a French speaker
    assert normalise("g compris", "fr") == "j ai compris"  # French only
    assert normalise("g compris", "en") == "g compris"
    shared = word_lists.spellings("spelling")
    assert len(shared) == sum(
        len(word_lists.TABLES[language].get("spelling", {})) for language in word_lists.LANGUAGES
    )  # no form is written out in two languages


CHOICES = [
    ("la deuxième", "fr"),
    ("two please", "en"),
    ("ucuncu", "tr"),
    ("جوج", "ar"),
    ("lowel", "ar"),
]


def test_number_words_are_read_in_every_language() -> None:
    assert [read(text, language).number for text, language in CHOICES] == [2, 2, 3, 2, 1]

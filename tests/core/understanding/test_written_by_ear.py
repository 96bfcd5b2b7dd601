"""Key words and answer words written as they sound ("kansel", "le deusième", "éfassé mon
numéro"), read as the word they sound like, while real words that sound alike stay what they
are. The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.intents import TextIntent, read
from core.understanding.normalising import normalise
from core.understanding.sounds import (
    ALIKES_BUILT_FOR,
    SOUND_ALIKES,
    sounded,
    sounds_like,
    targets_fingerprint,
)


@pytest.mark.parametrize(
    ("word", "meant"),
    [("kansel", "cancel"), ("dilete", "delete"), ("numba", "number"), ("nomber", "number"),
     ("furst", "first"), ("secund", "second"), ("tird", "third"), ("deusieme", "deuxieme"),
     ("sinkieme", "cinquieme"), ("troizieme", "troisieme"), ("promier", "premier"),
     ("efasse", "effacer"), ("dezinscrive", "desinscrivez"), ("erace", "erase")],
)  # fmt: skip
def test_a_word_written_by_ear_is_read_as_the_word_it_sounds_like(word: str, meant: str) -> None:
    assert sounded(word) == meant


@pytest.mark.parametrize(
    "word", ["council", "tard", "conform", "counsel", "premise", "dixieme", "sis", "naw"]
)
def test_real_words_and_short_ones_stay_what_they_are(word: str) -> None:
    assert sounded(word) == word


def test_deux_and_dix_sound_apart() -> None:
    assert sounds_like("deusieme") == "deuxieme"
    assert sounds_like("disieme") != "deuxieme"


@pytest.mark.parametrize(
    ("text", "language", "intent", "number"),
    [("le deusième", "fr", "number", 2), ("le troizième svp", "fr", "number", 3),
     ("nomero 2", "fr", "number", 2), ("the furst one", "en", "number", 1),
     ("numba 3", "en", "number", 3), ("kansel my booking pleez", "en", "cancel", None),
     ("éfassé mon numero seuplé", "fr", "forget", None)],
)  # fmt: skip
def test_a_request_or_a_choice_written_by_ear_is_understood(
    text: str, language: str, intent: str, number: int | None
) -> None:
    reading = read(text, language)
    assert reading.intent == TextIntent(intent)
    assert reading.number == number


def test_the_city_council_cancels_nothing() -> None:
    assert read("the council closed the library", "en").intent != TextIntent.CANCEL
    assert "council" in normalise("the council", "en").split()


def test_arabic_and_turkish_words_are_left_to_their_own_spellings() -> None:
    assert normalise("kansel", "tr") == "kansel"
    assert normalise("kansel", "en") == "cancel"


def test_every_sound_alike_kept_apart_does_sound_like_a_target() -> None:
    assert SOUND_ALIKES
    assert all(sounds_like(word) is not None for word in SOUND_ALIKES)


@pytest.mark.parametrize(
    ("text", "language", "intent", "number"),
    [("le sis", "fr", "number", 6), ("nimero set", "fr", "number", 7),
     ("numbur for", "en", "number", 4), ("the fourf", "en", "number", 4),
     ("pleez erace my profil", "en", "forget", None),
     ("i want u to forgit evrything about me", "en", "forget", None),
     ("please delete my data po", "en", "forget", None)],
)  # fmt: skip
def test_numbers_and_erases_written_by_ear_are_understood(
    text: str, language: str, intent: str, number: int | None
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent(intent), number)


def test_a_cancel_someone_told_of_by_ear_is_still_reported() -> None:
    assert read("me dotter sed i shud cancel me class", "en").intent != TextIntent.CANCEL


def test_a_french_slang_negation_stays_french() -> None:
    assert read("j'veux po", "fr").intent == TextIntent.NO
    assert read("okay po, confirm", "en").intent == TextIntent.YES


def test_the_list_of_sound_alikes_was_built_for_the_current_targets() -> None:
    # a word list changed: python -m tools.build_sound_alikes (pip install -e '.[lexicon]')
    assert targets_fingerprint() == ALIKES_BUILT_FOR


@pytest.mark.parametrize(
    "word", ["zahra", "zehra", "rita", "bianca", "nena", "nonna", "deuce", "cinco", "dona"]
)
def test_first_names_are_no_yes_no_number_and_no_data(word: str) -> None:
    assert sounded(word) == word


@pytest.mark.parametrize(
    ("text", "number"), [("da 2nd. dat wun", 2), ("da fift wun", 5), ("first one, tamam", 1)]
)
def test_a_choice_written_by_ear_with_the_and_that_spelt_as_heard(text: str, number: int) -> None:
    reading = read(text, "en")
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)

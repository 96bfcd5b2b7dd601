"""Short answers and choices written with a slip or inside a short sentence: a letter typed
twice or swapped in a yes, no or number word, a digit glued to an Arabic word, darija number
words with Arabizi digits, the future and modal forms of the verbs of choosing, a digit with
an ordinal ending, and sounds made while thinking, alone. The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.intents import TextIntent, read
from core.understanding.normalising import normalise
from core.understanding.numbers import choice_number
from core.understanding.typos import answer_word, corrected


@pytest.mark.parametrize(
    ("word", "meant"),
    [("yse", "yes"), ("evvet", "evet"), ("wakhaa", "wakha"), ("نععم", "نعم"),
     ("اييه", "ايه"), ("الثالثث", "الثالث"), ("troisiemme", "troisieme"),
     ("fisrt", "first"), ("seocnd", "second"), ("oen", "one"), ("ikinic", "ikinci"),
     ("deuxeme", "deuxieme"), ("nubmer", "number"), ("الخامش", "الخامس")],
)  # fmt: skip
def test_a_slip_in_an_answer_word_is_read_as_the_word(word: str, meant: str) -> None:
    assert corrected(word) == meant


@pytest.mark.parametrize(
    "word",
    ["tow", "there", "noon", "teen", "sat", "due", "birini", "tamma", "numbers", "premiers",
     "secondes", "الخير", "الساده", "الثانوي", "الو", "السابق", "nine", "tree"],
)  # fmt: skip
def test_real_words_are_never_changed_into_a_yes_a_no_or_a_number(word: str) -> None:
    assert answer_word(word) == word
    assert corrected(word) == word


def test_a_word_close_to_two_answer_words_is_left_alone() -> None:
    assert answer_word("nien") == "nien"  # "nine" or "nein"


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [("yess", "en", "yes"), ("evvet", "tr", "yes"), ("نععم", "ar", "yes"),
     ("dacord", "fr", "yes")],
)  # fmt: skip
def test_a_yes_typed_with_a_slip_is_a_yes(text: str, language: str, intent: str) -> None:
    assert read(text, language).intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "number"),
    [("la troisiemme", 3), ("the scond one", 2), ("fisrt one", 1), ("numbr 4", 4),
     ("ikinic", 2), ("الثالثث", 3), ("رقم٣", 3), ("٤رقم", 4), ("bghit l5amsa", 5),
     ("nakhod 5amsa", 5), ("I'll go for the second one", 2), ("we will take the third", 3),
     ("I shall pick number 2", 2), ("7th please", 7), ("je prendrais le 3", 3),
     ("c'est plutôt le troisième qui m'intéresse", 3), ("the 2nd one that i want", 2),
     ("ilkini seçiyorum", 1), ("lemme get number 3", 3), ("بدي التالت", 3)],
)  # fmt: skip
def test_a_choice_with_a_slip_or_a_verb_of_choosing_is_read(text: str, number: int) -> None:
    assert choice_number(normalise(text).split()) == number


@pytest.mark.parametrize(
    "text",
    ["the second workshop was great", "j'ai 2 enfants", "à 14h", "3 personnes", "on est 2",
     "we will be 2", "I will be there at 2", "qui est le premier", "which is the first",
     "for 2 people", "the first time", "give me a minute", "get me 2 tickets",
     "ra9m 2 dyal tilifoun dyali ghalat wa"],
)  # fmt: skip
def test_numbers_that_pick_nothing_stay_no_choice(text: str) -> None:
    assert choice_number(normalise(text).split()) is None


def test_arabizi_words_keep_their_digits() -> None:
    assert normalise("3afak ms7 l5amsa") == "3afak ms7 l5amsa"
    assert normalise("رقم٢ عفاك") == "رقم 2 عفاك"


@pytest.mark.parametrize(
    "text", ["euh hum euh", "\u0131\u0131\u0131 şey yani", "اممم يعني", "um uh", "hmm"]
)
def test_sounds_made_while_thinking_alone_mean_nothing(text: str) -> None:
    reading = read(text)
    assert reading.intent == TextIntent.UNKNOWN
    assert reading.by == "hesitation"


@pytest.mark.parametrize(
    ("text", "intent"), [("ايوا", "yes"), ("euh oui", "yes"), ("hmm ok", None)]
)
def test_a_yes_beside_a_sound_of_thinking_is_still_read(text: str, intent: str | None) -> None:
    reading = read(text)
    assert reading.by != "hesitation"
    if intent is not None:
        assert reading.intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "language"),
    [("by all means", "en"), ("righto", "en"), ("d'accor", "fr"), ("biensur", "fr"),
     ("وي داكور", "ar"), ("موافقة", "ar"), ("hay hay", "tr"), ("uygundur", "tr")],
)  # fmt: skip
def test_a_yes_of_several_words_or_of_everyday_speech_is_a_yes(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.YES


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [("Option 4 kindly", "en", 4), ("i'll tek number 4", "en", 4), ("le 2 deh", "fr", 2),
     ("mets moi o 5", "fr", 5), ("نمرة 4", "ar", 4), ("n7eb el 5", "ar", 5),
     ("listedeki altinci", "tr", 6)],
)  # fmt: skip
def test_a_choice_in_everyday_words_is_a_choice(text: str, language: str, number: int) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


def test_the_same_choice_said_twice_in_a_long_message_is_that_choice() -> None:
    text = (
        "Le quatrième me plaît bien. Mon fils vit en Allemagne, on s'appelle souvent. Mettez-moi"
        " sur le numéro quatre s'il vous plaît."
    )
    reading = read(text, "fr")
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, 4)


def test_two_different_choices_pick_nothing() -> None:
    assert read("le quatrième me plaît bien. Mettez-moi sur le 2.", "fr").intent != (
        TextIntent.NUMBER
    )

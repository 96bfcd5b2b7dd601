"""Reading on a screen: what the screen expects decides only what it makes clear; the
context-free reading stays the floor. ``atelier understand --screen KIND`` prints it."""

from __future__ import annotations

import io
import json
import sys

import pytest

from bot.cli import main
from core.understanding.intents import read
from core.understanding.screens import Expects, Screen, read_on

LIST = Screen.parse("list:5")
CARD = Screen.parse("card")
YES_NO = Screen(Expects.YES_NO, ("✅ Oui, je réserve", "Non"))


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("c le 3 ke je veu", "fr", 3),
        ("je prends la 2 c pour ma soeur", "fr", 2),
        ("üçüncüyü istiyorum", "tr", 3),
        ("بغيت رقم ٣", "ar", 3),
        ("dördüncüsü", "tr", 4),
        ("euh le deux non le trois", "fr", 3),
        ("2 değil 3", "tr", 3),
    ],
)
def test_on_a_list_a_number_anywhere_in_a_short_sentence_is_a_choice(
    text: str, language: str, number: int
) -> None:
    reading = read_on(text, LIST, language)
    assert (reading.intent.value, reading.number) == ("number", number)


@pytest.mark.parametrize(
    "text",
    [
        "le 2 ou le 3",
        "pas le 3",
        "on sera 2 personnes",
        "stop",
        "ma voisine m'a dit de prendre le 2",
    ],
)
def test_on_a_list_no_choice_when_it_is_not_one(text: str) -> None:
    assert read_on(text, LIST, "fr").intent.value != "number"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ouais je prends", "fr"),
        ("yes i want to book it", "en"),
        ("واخا نحجز", "ar"),
        ("evet kayıt olmak istiyorum", "tr"),
    ],
)
def test_on_a_card_agreeing_or_naming_the_action_takes_it(text: str, language: str) -> None:
    assert read_on(text, CARD, language).intent.value == "yes"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("inchallah je viens", "fr"),
        ("je ne veux pas réserver", "fr"),
        ("belki kayıt olurum", "tr"),
        ("my neighbour told me to book it", "en"),
    ],
)
def test_on_a_card_a_hedged_negated_or_reported_agreement_takes_nothing(
    text: str, language: str
) -> None:
    assert read_on(text, CARD, language).intent.value != "yes"


def test_on_a_yes_no_screen_its_own_button_words_answer_it() -> None:
    assert read_on("oui je reserv", YES_NO, "fr").intent.value == "yes"
    assert read_on("non", YES_NO, "fr").intent.value == "no"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("oui annulez", "yes"),
        ("oui je confirme", "yes"),
        ("oui ?", "unknown"),
        ("oui mais non", "no"),
        ("oui allô", "unknown"),
        ("yes she told me", "unknown"),
    ],
)
def test_on_a_yes_no_screen_a_yes_that_opens_the_message_answers_it(text: str, intent: str) -> None:
    assert read_on(text, Screen.parse("yesno"), "fr").intent.value == intent


def test_on_a_card_a_booking_word_takes_it_whatever_the_floor_guessed() -> None:
    assert read_on("tamam kayıt olayım", CARD, "tr").intent.value == "yes"
    assert read_on("je veux annuler", CARD, "fr").intent.value == "cancel"


def test_the_floor_is_kept_for_stop_an_erase_and_commands() -> None:
    for text in ("STOP", "effacez mes données", "/annuler"):
        assert read_on(text, LIST, "fr").intent == read(text, "fr").intent


def test_understand_screen_reads_on_that_screen_and_the_default_is_unchanged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def understand(*argv: str) -> list[dict[str, object]]:
        monkeypatch.setattr(sys, "stdin", io.StringIO("c le 3 ke je veu\nouais je prends\n"))
        assert main(["understand", "--language", "fr", *argv]) == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    plain = understand()
    assert plain[0]["intent"] != "number"
    on_list = understand("--screen", "list:4")
    assert on_list[0] == {"intent": "number", "number": 3, "confidence": 1.0}
    on_card = understand("--screen", "card")
    assert on_card[1]["intent"] == "yes"
    assert set(plain[1]) == {"intent", "confidence"}


CLARIFY = Screen(Expects.LIST, ("Effacer vos données", "Savoir ce que nous gardons", "↩️ Menu"), 3)


@pytest.mark.parametrize("text", ["savoir", "Savoire"])
def test_on_a_list_the_words_of_one_label_pick_it(text: str) -> None:
    reading = read_on(text, CLARIFY, "fr")
    assert (reading.intent.value, reading.number) == ("number", 2)


@pytest.mark.parametrize(
    "text",
    ["je ne veux pas savoir", "savoir ou effacer", "comment savoir ce qui est gardé ici"],
)
def test_a_label_word_that_is_negated_or_beside_other_words_picks_nothing(text: str) -> None:
    assert read_on(text, CLARIFY, "fr").number is None

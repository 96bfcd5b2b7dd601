"""Written messages are understood with typos, capitals and missing accents."""

from __future__ import annotations

import pytest

from core.understanding.intents import TextIntent, command_of, intent_of, number_of


@pytest.mark.parametrize(
    "text",
    ["annuler", "ANNULER", "anuler", "Annulé", "je ne peux pas venir", "Je peux pas venir",
     "/annuler", "je voudrais annuler ma place svp", "désinscrire"],
)  # fmt: skip
def test_every_way_of_writing_cancel(text: str) -> None:
    assert intent_of(text) == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "intent"),
    [("oui", TextIntent.YES), ("Ouais", TextIntent.YES), ("ok", TextIntent.YES),
     ("d'accord", TextIntent.YES), ("non", TextIntent.NO), ("Non merci", TextIntent.NO),
     ("menu", TextIntent.MENU), ("aide", TextIntent.HELP), ("/help", TextIntent.HELP),
     ("mes inscriptions", TextIntent.MY_BOOKINGS), ("ateliers", TextIntent.WORKSHOPS)],
)  # fmt: skip
def test_short_answers(text: str, intent: TextIntent) -> None:
    assert intent_of(text) == intent


@pytest.mark.parametrize("text", ["🙂🙂", "", "x" * 5000, "qsdfqsdf", "le chat"])
def test_what_is_not_understood_is_not_guessed(text: str) -> None:
    assert intent_of(text) is None


def test_numbers_as_digits_or_words() -> None:
    assert number_of("2") == 2
    assert number_of("le 3") == 3
    assert number_of("deux") == 2
    assert number_of("je veux le numéro 2 svp merci") == 2  # words around it, issue 13
    assert number_of("je veux 2 places pour le numéro 3") is None


def test_commands_and_deep_links() -> None:
    assert command_of("/start s12") == ("start", "s12")
    assert command_of("/start@AtelierBot") == ("start", "")
    assert command_of("bonjour /start") is None

"""What the blind21 and blind22 writers showed the rules missed: punctuation said aloud to a
phone ("annuler ma place point"), a yes said to "dear", an age or a count of years on a list,
darija "ah" as a yes, darija booking words on a workshop's card. The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.intents import read
from core.understanding.screens import Screen, read_on

DANGEROUS = ("yes", "cancel", "forget", "stop", "number")


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("je veux annuler mon atelier point", "fr", "cancel"),
        ("je prends le numero trois point", "fr", "number"),
        ("iptal etmek istiyorum nokta", "tr", "cancel"),
    ],
)
def test_a_full_stop_said_aloud_is_no_negation_nor_a_word(
    text: str, language: str, intent: str
) -> None:
    assert read(text, language).intent.value == intent


def test_a_point_that_is_a_noun_stays_a_word() -> None:
    from core.understanding.dictation import written_marks

    assert written_marks("on fait le point") == "on fait le point"
    assert written_marks("c'est quand point d'interrogation") == "c'est quand?"


@pytest.mark.parametrize(
    "text", ["yes dear I'll be home by 7", "ok dear see you at the station", "yes hon on my way"]
)
def test_a_yes_said_to_dear_is_no_consent_nor_a_choice(text: str) -> None:
    assert read(text, "en").intent.value == "unknown"
    assert read_on(text, Screen.parse("list:8"), "en").intent.value != "number"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my grandson is 7 years old", "en"),
        ("torunum 7 yaşında", "tr"),
        ("7 yaşındayım ben", "tr"),
        ("وليدي عندو 7 سنين", "ar"),
        ("hafidi 3ndo 6 snin", "ar"),
    ],
)
def test_an_age_on_a_list_picks_no_line(text: str, language: str) -> None:
    assert read_on(text, Screen.parse("list:8"), language).intent.value != "number"


def test_darija_ah_is_a_yes_but_not_in_french() -> None:
    assert read("ah", "ar").intent.value == "yes"
    assert read("ah", "fr").intent.value != "yes"


@pytest.mark.parametrize("text", ["bghit nreservi 3afak", "ninscri f had l atelier"])
def test_darija_booking_words_take_the_card(text: str) -> None:
    assert read_on(text, Screen.parse("card"), "ar").intent.value == "yes"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hi, I did two of your classes last spring and I was wondering what personal "
         "information you keep about me", "en"),
        ("Merhaba, geçen ay atölyenize geldim, hakkımda hangi bilgileri sakladığınızı "
         "öğrenmek istiyorum", "tr"),
    ],
)  # fmt: skip
def test_a_long_opening_about_the_classes_that_asks_about_ones_data_is_about_privacy(
    text: str, language: str
) -> None:
    assert read(text, language).intent.value == "privacy"


@pytest.mark.parametrize(
    "text", ["That day suits me. Please put me down for it", "I'd like a seat please"]
)
def test_asking_for_a_seat_in_own_words_takes_the_card(text: str) -> None:
    assert read_on(text, Screen.parse("card"), "en").intent.value == "yes"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my laptop has a virus, can you remove it for me", "en"),
        ("Mon ordi a un virus, vous pouvez me l'enlever ?", "fr"),
    ],
)
def test_removing_a_virus_cancels_and_erases_nothing(text: str, language: str) -> None:
    assert read(text, language).intent.value not in DANGEROUS


def test_a_seat_given_up_beside_a_virus_still_cancels() -> None:
    assert read("annulez ma place, mon ordi a un virus", "fr").intent.value == "cancel"

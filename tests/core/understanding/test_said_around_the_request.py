"""What is said around a request: someone else's advice, a hedge, a thing done elsewhere, a stop
of something said, a spoken correction, a misheard word. None of it may act by mistake."""

from __future__ import annotations

import pytest

from core.understanding.intents import read
from core.understanding.screens import Expects, Screen, read_on

DANGEROUS = {"yes", "cancel", "forget", "stop", "number"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("mon fils dit qu'il faut tout effacer chez vous", "fr"),
        ("my daughter says to delete everything", "en"),
        ("خويا قال ليا نمسح الحساب", "ar"),
        ("might have to cancel, we'll see how it goes", "en"),
        ("ila kant chi mochkila ma nqderch nji", "ar"),
        ("c'est validé pour mon passeport à la mairie", "fr"),
        ("my visa got approved at the embassy", "en"),
        ("stop saying that, it is not true", "en"),
        ("arrêtez de me répéter la même chose", "fr"),
        ("oui je sais déjà faire un appel vidéo, c'est ma soeur qui sait pas", "fr"),
        ("yeah no, whatever, i'll see", "en"),
        ("evet belki gelirim", "tr"),
    ],
)
def test_nothing_said_around_a_request_acts(text: str, language: str) -> None:
    assert read(text, language).intent.value not in DANGEROUS


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("stop sending me texts", "en", "stop"),
        ("arrêtez de m'envoyer des sms", "fr", "stop"),
        ("my tram did not come today, anyway when is my class?", "en", "my_bookings"),
        ("delet my data please", "en", "forget"),
        ("i want to counsel my place for monday", "en", "cancel"),
        ("benimle ilgili ne varsa silin", "tr", "forget"),
        ("au titre du rgpd je souhaite savoir quelles données vous détenez", "fr", "privacy"),
        ("fin kayn l cours li 7jazt fih", "ar", "my_bookings"),
    ],
)
def test_the_request_itself_is_still_read(text: str, language: str, intent: str) -> None:
    assert read(text, language).intent.value == intent


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("euh le trois non attendez le cinq", "fr", 5),
        ("uh number two no wait four", "en", 4),
        ("uh number to please", "en", 2),
        ("şey iki yok yok üç", "tr", 3),
        ("الجوج لا سمح ليا التلاتة", "ar", 3),
        ("ايوا رقم جوج", "ar", 2),
    ],
)
def test_a_spoken_choice_keeps_its_last_number(text: str, language: str, number: int) -> None:
    reading = read(text, language)
    assert (reading.intent.value, reading.number) == ("number", number)


def test_two_numbers_without_a_correction_pick_nothing() -> None:
    assert read("le 2 ou le 3", "fr").intent.value != "number"
    assert read("j'ai 2 enfants et 3 petits-enfants", "fr").intent.value != "number"


@pytest.mark.parametrize(
    ("labels", "text", "language", "intent"),
    [
        (("❌ نعم، ألغي", "لا، أحتفظ بمقعدي"), "iyeh lghih", "ar", "yes"),
        (("❌ نعم، ألغي", "لا، أحتفظ بمقعدي"), "ma tlghich", "ar", "no"),
        (("🗑️ Oui, tout effacer", "Non"), "effacez tout", "fr", "yes"),
        (("🗑️ Oui, tout effacer", "Non"), "n'effacez rien", "fr", "no"),
        (("❌ Oui, annuler", "Non, je garde ma place"), "annuler ?", "fr", "help"),
        (
            ("❌ Oui, annuler", "Non, je garde ma place"),
            "mon fils m'a dit d'annuler",
            "fr",
            "unknown",
        ),
    ],
)
def test_asking_for_the_act_on_its_confirmation_confirms_it(
    labels: tuple[str, str], text: str, language: str, intent: str
) -> None:
    assert read_on(text, Screen(Expects.YES_NO, labels), language).intent.value == intent


@pytest.mark.parametrize(
    ("text", "language"),
    [("tamam yer ayirt", "tr"), ("kaydet beni", "tr"), ("wakha bghit nhjez", "ar")],
)
def test_a_card_is_taken_with_the_words_of_booking(text: str, language: str) -> None:
    assert read_on(text, Screen(Expects.CARD, ("✅ Réserver",)), language).intent.value == "yes"

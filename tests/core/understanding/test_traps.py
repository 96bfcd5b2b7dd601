"""Traps: messages that look like a cancel, a yes, a stop or an erase but are none.

An act done elsewhere or by someone else, a yes that only acknowledges or sets a condition,
a habit stopped and a thing forgotten never act; every true opt-out, cancel, erase and plain
yes still reads as itself. Read context-free, as ``atelier understand`` reads them.
"""

from __future__ import annotations

import pytest

from core.understanding.intents import TextIntent, read

ACTS = {TextIntent.CANCEL, TextIntent.FORGET, TextIntent.STOP, TextIntent.YES}

DONE_ELSEWHERE = [
    ("mon rdv chez le dentiste a été annulé", "fr"),
    ("le train de 8h est annulé", "fr"),
    ("jai recu un sms de la banque carte annulée", "fr"),
    ("mon cours de yoga est annulé ce soir", "fr"),
    ("my flight got cancelled", "en"),
    ("the bank texted me my card was cancelled", "en"),
    ("my son cancelled his dentist appointment", "en"),
    ("trenim iptal olmuş", "tr"),
    ("bankadan mesaj geldi kartım iptal edildi", "tr"),
    ("doktor randevum iptal oldu", "tr"),
    ("القطار تلغى اليوم", "ar"),
    ("تم إلغاء موعدي في المستشفى", "ar"),
    ("rdv dyal tbib tlgha", "ar"),
]

ONLY_ACKNOWLEDGES = [
    ("ok je vais réfléchir", "fr"),
    ("d'accord je vous redis", "fr"),
    ("ok bien recu", "fr"),
    ("oui si mon fils peut m'emmener", "fr"),
    ("yes if my son can drive me", "en"),
    ("ok i'll think about it", "en"),
    ("ok noted", "en"),
    ("evet mesajınız geldi", "tr"),
    ("tamam düşüneceğim", "tr"),
    ("evet oğlum götürürse", "tr"),
    ("واخا غادي نفكر", "ar"),
    ("نعم وصلتني الرسالة", "ar"),
    ("wakha ila jab liya weldi", "ar"),
    ("حسنا سأفكر في الأمر", "ar"),
]

STOPPED_SOMETHING_ELSE = [
    ("j'ai arrêté de fumer", "fr"),
    ("arrête la musique", "fr"),
    ("mon fils a arrêté les sms de la banque", "fr"),
    ("stop the music", "en"),
    ("i stopped smoking last year", "en"),
    ("my son stopped the bank sms", "en"),
    ("sigarayı bıraktım", "tr"),
    ("oğlum bankanın smslerini durdurdu", "tr"),
    ("حبست الكارو", "ar"),
    ("توقفت عن التدخين", "ar"),
]

FORGOT_A_THING = [
    ("j'ai oublié mon parapluie", "fr"),
    ("j'ai oublié mes lunettes à l'atelier", "fr"),
    ("jai oublie mon mot de passe", "fr"),
    ("i forgot my umbrella at the workshop", "en"),
    ("i forgot my glasses", "en"),
    ("şemsiyemi unuttum", "tr"),
    ("unuttum", "tr"),
    ("gözlüğümü atölyede unuttum", "tr"),
    ("نسيت المظلة ديالي", "ar"),
    ("nsit lma9la dyali f l'atelier", "ar"),
]


@pytest.mark.parametrize(
    ("text", "language"), DONE_ELSEWHERE + STOPPED_SOMETHING_ELSE + FORGOT_A_THING
)
def test_an_act_done_elsewhere_a_habit_stopped_or_a_thing_forgotten_never_acts(
    text: str, language: str
) -> None:
    assert read(text, language).intent not in ACTS


@pytest.mark.parametrize(("text", "language"), ONLY_ACKNOWLEDGES)
def test_a_yes_that_only_acknowledges_or_sets_a_condition_is_no_yes(
    text: str, language: str
) -> None:
    assert read(text, language).intent not in ACTS


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("STOP", None),
        ("stop", "fr"),
        ("stop sms", "en"),
        ("please stop the texts", "en"),
        ("arrêtez les sms", "fr"),
        ("j'ai arrêté les sms", "fr"),
        ("j'ai arrêté les sms sur mon téléphone", "fr"),
        ("arrêtez les sms sur mon portable", "fr"),
        ("stop messages on my phone", "en"),
        ("mesajları durdur", "tr"),
        ("اوقف الرسائل", "ar"),
    ],
)
def test_every_true_opt_out_still_stops(text: str, language: str | None) -> None:
    assert read(text, language).intent == TextIntent.STOP


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("annuler ma place", "fr", TextIntent.CANCEL),
        ("i want to cancel my seat", "en", TextIntent.CANCEL),
        ("kaydımı iptal et", "tr", TextIntent.CANCEL),
        ("oubliez-moi", "fr", TextIntent.FORGET),
        ("supprimez mes données", "fr", TextIntent.FORGET),
        ("oui", "fr", TextIntent.YES),
        ("evet", "tr", TextIntent.YES),
        ("واخا", "ar", TextIntent.YES),
        ("yes please", "en", TextIntent.YES),
    ],
)
def test_a_plain_request_or_yes_still_reads_as_itself(
    text: str, language: str, intent: TextIntent
) -> None:
    assert read(text, language).intent == intent

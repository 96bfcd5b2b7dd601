"""Messages written like an e-mail or a form (blind24's kind): a subject line "Objet :
annulation" over a body that tells of a subscription given up elsewhere gives up no seat; a
form's field "Nombre de personnes : 1" is a count, not the first choice of a list. The
sentences are our own; a body that asks for the cancel, and a choice said in a clause of its
own, still act.
"""

from __future__ import annotations

import pytest

from core.understanding import pipeline
from core.understanding.dictation import written_marks
from core.understanding.intents import TextIntent, read
from core.understanding.message import Message
from core.understanding.reading import Reading

NOT_UNDERSTOOD = Reading(TextIntent.UNKNOWN, 0.3)
"""What the classifier may make of a long message it has never seen the like of."""


@pytest.mark.parametrize(
    ("text", "language"),
    [("Objet : annulation\nBonjour, je vous informe que j'ai annulé mon abonnement à la salle"
      " de sport, merci.\nCordialement,\nP. Durand", "fr"),
     ("Subject: Cancel\nHello, I cancelled my broadband contract yesterday, for your"
      " information.\nRegards,\nTom", "en"),
     ("الموضوع: إلغاء\nمرحبا، بعلمكم إني لغيت اشتراكي بالجيم. شكرا", "ar"),
     ("Konu: İptal\nMerhaba, internet aboneliğimi iptal ettim, bilginize.\nSaygılarımla,\nAli",
      "tr")],
)  # fmt: skip
def test_a_subject_line_over_a_body_that_asks_nothing_cancels_nothing(
    text: str, language: str
) -> None:
    assert pipeline._clause_request(NOT_UNDERSTOOD, Message(text, language)) is None
    assert read(text, language).intent != TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("Objet : annulation\nBonjour, je ne pourrai pas venir jeudi, merci d'annuler ma place."
      "\nCordialement", "fr"),
     ("Subject: cancel\nHello, please cancel my seat on Thursday, I am ill.\nAnna", "en")],
)  # fmt: skip
def test_a_body_that_asks_for_the_cancel_still_cancels(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("Nom : Demir\nPrénom : Ali\nObjet : inscription atelier WhatsApp\nNombre de personnes : 1",
      "fr"),
     ("Name: Brown\nRequest: book the online banking workshop\nPeople: 1", "en"),
     ("Full name: Jane Smith\nReason: sign up for the email workshop\nNumber of people: 2",
      "en"),
     ("الاسم: خالد\nالموضوع: التسجيل في ورشة الواتساب\nعدد الأشخاص: 1", "ar"),
     ("Ad: Ali Kaya\nKonu: WhatsApp atölyesine kayıt\nKişi sayısı: 1", "tr")],
)  # fmt: skip
def test_a_count_in_a_form_is_no_choice(text: str, language: str) -> None:
    assert pipeline._choice_in_clause(NOT_UNDERSTOOD, Message(text, language)) is None
    assert read(text, language).intent != TextIntent.NUMBER


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [("je prends le 2, merci", "fr", 2),
     ("le deuxième, c'est le seul où je suis libre", "fr", 2),
     ("Bonjour : je choisis le 3", "fr", 3),
     ("Nom : Lefèvre\nChoix : 3", "fr", 3),
     ("Name: Brown\nMy choice: 2", "en", 2),
     ("Ad: Ayşe\nSeçim: 2", "tr", 2)],
)  # fmt: skip
def test_a_choice_outside_a_form_is_still_picked(text: str, language: str, number: int) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


def test_a_dictated_mark_keeps_the_lines_of_a_form() -> None:
    text = "Full name: Jane Smith\nNumber of people: 2"
    assert written_marks(text).splitlines() == text.splitlines()


ERASE_READ = Reading(TextIntent.FORGET, 0.9)
"""What the classifier may make of a letter that asks another firm to erase one's data."""


@pytest.mark.parametrize(
    ("text", "language"),
    [("Madame, Monsieur, à l'attention du service client de Leboncoin : je demande la"
      " suppression de mon compte.\nS. Morel", "fr"),
     ("Dear Customer Services at Deliveroo, please delete my account and all my data.\nKim",
      "en"),
     ("الموضوع: حذف الحساب\nإلى خدمة العملاء في نون، أطلب حذف حسابي وبياناتي. شكرا", "ar"),
     ("Konu: Hesap silme\nHepsiburada Müşteri Hizmetleri'ne, hesabımın silinmesini rica ederim.",
      "tr")],
)  # fmt: skip
def test_a_letter_to_another_firms_customer_service_erases_nothing(
    text: str, language: str
) -> None:
    changed = pipeline._meant_elsewhere(ERASE_READ, Message(text, language))
    assert changed is not None
    assert changed.intent == TextIntent.UNKNOWN
    assert read(text, language).intent != TextIntent.FORGET


@pytest.mark.parametrize(
    ("text", "language"),
    [("supprimez toutes mes données s'il vous plaît", "fr"),
     ("please delete my account and my data", "en")],
)  # fmt: skip
def test_an_erase_asked_of_us_still_erases(text: str, language: str) -> None:
    assert pipeline._meant_elsewhere(ERASE_READ, Message(text, language)) is None
    assert read(text, language).intent == TextIntent.FORGET


@pytest.mark.parametrize(
    ("text", "language"),
    [("الغيت حجز الفندق", "ar"),
     ("j'ai annulé ma réservation à l'hôtel", "fr"),
     ("I cancelled my hotel booking", "en"),
     ("otel rezervasyonumu iptal ettim", "tr")],
)  # fmt: skip
def test_a_hotel_booking_cancelled_gives_up_no_seat(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("To delete your Facebook account, go to Settings > Your information > Deletion.", "en"),
     ("Pour supprimer votre compte Snapchat, allez dans Paramètres > Compte > Supprimer.", "fr")],
)  # fmt: skip
def test_an_apps_how_to_pasted_erases_nothing(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.FORGET

"""What the blind19 and blind20 writers and train_k/l/m showed the rules missed: someone close
who will not come somewhere else, an act told of someone close, a cancel of somewhere else,
darija advice with "galt lia", a yes said to an aunt or a big brother, darija number words
of a spoken correction, an opinion naming a topic, the person as the sender, a question about
a class's state asked without its mark. The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.intents import read
from core.understanding.normalising import normalise
from core.understanding.numbers import choice_number

DANGEROUS = ("yes", "cancel", "forget", "stop", "number")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ma femme ne pourra pas venir au loto de dimanche à la salle des fêtes", "fr"),
        ("my husband can't come to the football match tonight, he is working", "en"),
        ("kocam yarın düğüne gelemeyecek, hasta", "tr"),
        ("mon fils a annulé sa place au club de foot, il est blessé", "fr"),
        ("my daughter cancelled her gym membership yesterday", "en"),
        ("Perşembe dişçiyi iptal et canım, gidemeyeceğim", "tr"),
        ("annule le coiffeur de mardi stp chéri", "fr"),
    ],
)
def test_someone_elses_absence_or_a_cancel_elsewhere_cancels_no_seat(
    text: str, language: str
) -> None:
    assert read(text, language).intent.value == "unknown"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je ne pourrai pas venir à l'atelier de jeudi", "fr"),
        ("mon mari ne pourra pas venir à l'atelier, enlevez-le de la liste", "fr"),
        ("my son can't drive me so i can't come to the class", "en"),
        ("annulez ma place à l'atelier de mardi svp", "fr"),
    ],
)
def test_a_seat_given_up_for_oneself_or_for_someone_at_the_workshop_still_cancels(
    text: str, language: str
) -> None:
    assert read(text, language).intent.value == "cancel"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("khoya galt lia nms7 koulchi", "ar"),
        ("sa7bti gal lia nlghi l blasa", "ar"),
        ("wakha khalti ghadi nji l3chiya", "ar"),
        ("evet abla yarın gelirim", "tr"),
        ("ok abi akşam uğrarım", "tr"),
    ],
)
def test_advice_in_darija_and_a_yes_said_to_family_never_act(text: str, language: str) -> None:
    assert read(text, language).intent.value not in DANGEROUS


@pytest.mark.parametrize(
    ("text", "number"),
    [("wa7ed... la la, juj", 2), ("juj la smeh lia tlata", 3), ("tlata la, zuj", 2)],
)
def test_darija_spoken_corrections_keep_the_last_number(text: str, number: int) -> None:
    assert choice_number(normalise(text, "ar").split()) == number


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("learning Excel is a waste of time", "en"),
        ("facebook is ruining my grandson's sleep", "en"),
        ("le cours sur WhatsApp c'était super, bravo à l'animatrice", "fr"),
        ("yapay zeka kursu boş iş bence", "tr"),
    ],
)
def test_an_opinion_naming_a_topic_asks_for_no_workshop(text: str, language: str) -> None:
    assert read(text, language).intent.value == "unknown"


def test_a_wish_beside_an_opinion_still_asks_for_the_workshop() -> None:
    assert read("I want to learn Excel, my friend says it is useless", "en").intent.value in (
        "session",
        "workshops",
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I want to send voice messages to my kids", "en"),
        ("how do I send photos to my son", "en"),
        ("je voudrais envoyer des vidéos à ma fille", "fr"),
    ],
)
def test_the_person_as_the_sender_is_no_start_nor_stop(text: str, language: str) -> None:
    assert read(text, language).intent.value not in ("start", "stop")


@pytest.mark.parametrize(
    "text",
    ["was the class cancelled?", "was the class cancelled", "is the whatsapp class cancelled"],
)
def test_a_question_about_a_class_state_asks_for_ones_bookings(text: str) -> None:
    assert read(text, "en").intent.value == "my_bookings"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("yeğenim geçen hafta bilgisayar atölyesini iptal etmiş, çok sıkılmış", "tr"),
        ("ma cousine a annulé son atelier chez vous, tant pis pour elle", "fr"),
    ],
)
def test_an_act_told_of_someone_close_or_tried_elsewhere_cancels_nothing(
    text: str, language: str
) -> None:
    assert read(text, language).intent.value not in DANGEROUS


def test_a_turkish_illness_named_is_no_stop_of_the_messages() -> None:
    text = "Arz ederim, rahatsızlığım sebebiyle perşembe kursuna katılamayacağım."
    assert read(text, "tr").intent.value != "stop"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("İletilen mesaj: 'Cuma 17:30 okul toplantısına katılımınızı bildiriniz'", "tr"),
        ("Message transféré : 'vendredi 17:30, réunion des parents d'élèves'", "fr"),
    ],
)
def test_an_hour_beside_a_clause_is_no_choice(text: str, language: str) -> None:
    assert read(text, language).intent.value != "number"


@pytest.mark.parametrize(
    "text",
    [
        "msa7 ga3 les informations dyali men 3andkom",
        "tshilo esmi w ra2mi mn 3endkon",
        "fasakh compte mta3 mama, twaffat",
    ],
)
def test_darija_and_levantine_erase_words_on_data_erase(text: str) -> None:
    assert read(text, "ar").intent.value == "forget"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Babam hastanede, perşembe kursuna gelemeyecek. Kaydını silebilir misiniz?", "cancel"),
        ("Telefonum eski, bilgilerimi sisteminizden silebilir misiniz?", "forget"),
    ],
)
def test_a_turkish_polite_request_is_a_request_not_a_question(text: str, intent: str) -> None:
    assert read(text, "tr").intent.value == intent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Stop sending the texts but don't cancel my seat", "en"),
        ("Arrêtez les sms mais n'annulez pas ma place", "fr"),
    ],
)
def test_a_stop_beside_another_act_kept_still_stops(text: str, language: str) -> None:
    assert read(text, language).intent.value == "stop"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("annulez ma place mais non finalement je viens", "fr"),
        ("i wanted to cancel but i'll come after all", "en"),
    ],
)
def test_a_cancel_taken_back_by_coming_after_but_cancels_nothing(text: str, language: str) -> None:
    assert read(text, language).intent.value != "cancel"


def test_a_cancel_beside_a_coming_another_time_still_cancels() -> None:
    text = "annulez ma place, je ne viens pas mais je viendrai la prochaine fois"
    assert read(text, "fr").intent.value == "cancel"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Chef, je pourrai pas venir demain, ma voiture est en panne", "fr"),
        ("boss i can't come in today, my kid is sick", "en"),
        ("Ayşe abla hayır demiş, gelmeyecekmiş", "tr"),
    ],
)
def test_an_absence_told_to_ones_boss_or_reported_gives_up_no_seat(
    text: str, language: str
) -> None:
    assert read(text, language).intent.value != "cancel"


def test_an_appointment_named_first_is_no_one_spoken_to() -> None:
    assert read("doktor randevum var gelemiyorum", "tr").intent.value == "cancel"

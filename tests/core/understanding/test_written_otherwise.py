"""What the train_g/h/i writers showed the rules missed: a notice that sends to a web address,
a spoken "no sorry" between two numbers, erase and yes words of darija and Tunisian, a
question that ends with "or not", the subscription to the messages, "give me", someone
else's need with "something for her", another place's hours, an erase of data in words the
classifier is unsure of. The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.clauses import reported
from core.understanding.intents import TextIntent, read
from core.understanding.meant_elsewhere import sends_to_a_website
from core.understanding.message import Message, Proposal
from core.understanding.negation import asks, erases_personal, gives_back
from core.understanding.normalising import normalise
from core.understanding.numbers import choice_number
from core.understanding.practical_questions import asks_practical
from core.understanding.reading import Reading
from core.understanding.safety import judge
from core.understanding.topics import names_a_topic


def words(text: str, language: str | None = None) -> list[str]:
    return normalise(text, language).split()


@pytest.mark.parametrize(
    ("text", "language"),
    [("Rappel Ameli : RDV au centre de santé mardi 9h. Pour annuler, allez sur ameli.fr", "fr"),
     ("Your table at Luigi's is booked for 8pm. To cancel, visit www.luigis-pizza.com", "en"),
     ("Kargonuz yarın teslim edilecek. İptal etmek için yurtici.com.tr adresine gidin", "tr")],
)  # fmt: skip
def test_a_notice_that_sends_to_a_web_address_never_acts(text: str, language: str) -> None:
    assert sends_to_a_website(text, words(text, language))
    assert read(text, language).intent not in (TextIntent.CANCEL, TextIntent.YES)


def test_an_e_mail_address_or_a_workshop_beside_an_address_is_no_notice() -> None:
    assert not sends_to_a_website("annulez ma place svp, c'est lina@orange.fr", ["annulez"])
    text = "je voudrais l'atelier pour apprendre à aller sur ameli.fr"
    assert not sends_to_a_website(text, words(text, "fr"))


@pytest.mark.parametrize(
    ("text", "number"),
    [("2 no sorry 5", 5), ("4 no wait 1", 1), ("3 non 6", 6), ("le 3, non pas le 4", 3),
     ("le 2 pas le 5", 2), ("je voulais pas dire 3, je voulais dire 4", 4), ("2 değil 3", 3)],
)  # fmt: skip
def test_a_no_right_after_a_number_takes_that_number_back(text: str, number: int) -> None:
    assert choice_number(words(text)) == number


@pytest.mark.parametrize(
    ("text", "language"),
    [("fasa5 ga3 les infos mte3i", "ar"), ("tmse7 numero dyali 3afak", "ar"),
     ("bghit n7ayed les données dyali", "ar"), ("امسحوا الأكونت ديالي", "ar"),
     ("I want the deletion of my data", "en")],
)  # fmt: skip
def test_an_erase_in_darija_tunisian_or_a_noun_bears_on_data(text: str, language: str) -> None:
    assert erases_personal(words(text, language))


@pytest.mark.parametrize(
    ("text", "language", "intent", "number"),
    [("behi", "ar", TextIntent.YES, None), ("mwafe9", "ar", TextIntent.YES, None),
     ("zouz", "ar", TextIntent.NUMBER, 2), ("sitta", "ar", TextIntent.NUMBER, 6),
     ("je choisir le troisième", "fr", TextIntent.NUMBER, 3)],
)  # fmt: skip
def test_tunisian_yes_and_number_words_and_a_learner_s_choice(
    text: str, language: str, intent: TextIntent, number: int | None
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (intent, number)


@pytest.mark.parametrize(
    ("text", "language"),
    [("l'atelier dyali tlgha wla la", "ar"), ("mon atelier de lundi est annulé ou pas", "fr"),
     ("is my class cancelled or not", "en")],
)  # fmt: skip
def test_a_question_ending_with_or_not_asks_and_never_cancels(text: str, language: str) -> None:
    assert asks(words(text, language), False)
    assert read(text, language).intent != TextIntent.CANCEL


def test_cancelling_the_subscription_to_the_messages_stops_them() -> None:
    assert read("بغيت الغاء الاشتراك في الرسائل", "ar").intent == TextIntent.STOP


def test_give_me_gives_no_seat_back() -> None:
    assert not gives_back(words("3tini l'heure dyal l'atelier dyali", "ar"))
    assert not gives_back(words("عطيني المعلومات ديال الورشة", "ar"))
    assert gives_back(words("3tiw blasti l chi wa7ed", "ar"))


@pytest.mark.parametrize(
    ("text", "language"),
    [("ma grand-mère veut apprendre WhatsApp, vous avez quelque chose pour elle ?", "fr"),
     ("my dad wants to learn emails, do you have something for him?", "en")],
)  # fmt: skip
def test_a_topic_told_as_someone_s_need_asks_what_would_suit(text: str, language: str) -> None:
    assert not names_a_topic(words(text, language))


@pytest.mark.parametrize(
    ("text", "language"),
    [("le médecin de garde est ouvert dimanche ?", "fr"),
     ("is the doctor open on sunday?", "en"),
     ("cumartesi doktor açık mı", "tr"),
     ("à quelle heure ouvre la CAF ?", "fr")],
)  # fmt: skip
def test_the_hours_of_a_doctor_or_an_office_are_no_question_about_the_shop(
    text: str, language: str
) -> None:
    assert not asks_practical(words(text, language), text.endswith("?"))


def _judged(text: str, language: str, intent: TextIntent, confidence: float) -> Reading:
    """The safety rules' reading of ``text`` when the classifier proposes ``intent``."""
    rest = (1 - confidence) / 2
    probabilities = {intent.value: confidence, TextIntent.HELP.value: rest}
    probabilities.setdefault(TextIntent.FORGET.value, rest)
    proposal = Proposal(intent, confidence, probabilities, Message(text, language), ("classifier",))
    return judge(proposal)


@pytest.mark.parametrize(
    ("text", "language"),
    [("wipe all my data please", "en"), ("détruisez toutes mes données", "fr"),
     ("أطلب مسح جميع معلوماتي الشخصية", "ar"), ("bütün verilerimi silin", "tr")],
)  # fmt: skip
@pytest.mark.parametrize("proposed", [TextIntent.FORGET, TextIntent.PRIVACY])
def test_an_erase_of_data_in_words_is_an_erase_however_unsure_the_classifier(
    text: str, language: str, proposed: TextIntent
) -> None:
    assert _judged(text, language, proposed, 0.6).intent == TextIntent.FORGET


@pytest.mark.parametrize(
    ("text", "language"),
    [("verilerimi nasıl silebilirim", "tr"), ("how do I delete my data", "en"),
     ("si je supprime mes données, je perds ma place ?", "fr"),
     ("ne supprimez pas mes données", "fr")],
)  # fmt: skip
def test_an_erase_of_data_asked_about_or_negated_is_still_no_erase(
    text: str, language: str
) -> None:
    assert _judged(text, language, TextIntent.PRIVACY, 0.6).intent != TextIntent.FORGET


@pytest.mark.parametrize(
    "text", ["sa7bi 9al liya nlghi blasti", "jarti 9alt liya nms7 kolchi", "9al liya nlghi, 3lach?"]
)
def test_darija_advice_spelt_with_9_is_reported_speech_and_never_acts(text: str) -> None:
    assert reported(words(text, "ar"))
    assert read(text, "ar").intent not in (TextIntent.CANCEL, TextIntent.FORGET)


@pytest.mark.parametrize(
    "text", ["hayır vazgeçtim, iptal etmicem", "iptal etmiycem", "iptal etmek istemiyom"]
)
def test_a_cancel_denied_in_spoken_turkish_cancels_nothing(text: str) -> None:
    assert read(text, "tr").intent == TextIntent.NO


def test_a_cancel_in_spoken_turkish_still_cancels() -> None:
    assert read("kursa gelemicem, iptal edin", "tr").intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    "text", ["3ayez tems7o el account bta3i", "n7eb tfaskhou les informations mte3i",
             "7iydou smiti w numero dyali mn la base"],
)  # fmt: skip
def test_an_erase_in_other_arabic_dialects_is_an_erase(text: str) -> None:
    assert read(text, "ar").intent == TextIntent.FORGET


def test_a_phone_number_cut_by_dots_picks_no_choice() -> None:
    assert read("06 .. .. .. 28", "fr").intent != TextIntent.NUMBER

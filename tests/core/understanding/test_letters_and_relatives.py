"""Formal letters and relatives writing for the person: a letter's salutation and closing
set aside so that the request is read (``core.understanding.courtesy``), and someone close
choosing, agreeing or giving up a seat through this message read as the person, while
reported advice and acts told as done still act on nothing. The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.courtesy import only_formulas, without_formulas
from core.understanding.intents import TextIntent, read
from core.understanding.normalising import normalise

ACTS = ("yes", "cancel", "forget", "stop", "number")


@pytest.mark.parametrize(
    ("text", "language", "left"),
    [
        ("Madame, Monsieur, je souhaite annuler ma place. Cordialement.", "fr", "annuler ma place"),
        ("Dear Sir or Madam, please delete my data. Kind regards, Mrs Jones", "en", "delete my"),
        ("Sayın yetkili, kaydımı iptal edin. Saygılarımla, Ayşe teyze", "tr", "iptal edin"),
        ("تحية طيبة وبعد، أريد إلغاء حجزي. مع فائق الاحترام", "ar", "الغاء حجزي"),
        ("Bonjour Madame, je voudrais la liste des ateliers. Bien à vous", "fr", "bonjour je"),
    ],
)
def test_a_letters_formulas_are_set_aside_and_the_request_is_left(
    text: str, language: str, left: str
) -> None:
    plain = normalise(text, language)
    assert left in plain
    assert not plain.endswith(("cordialement", "regards", "saygilarimla", "الاحترام", "vous"))


@pytest.mark.parametrize(
    ("text", "language", "kept"),
    [
        ("Bonjour Madame", "fr", "bonjour"),
        ("Madame, Monsieur, bonjour.", "fr", "bonjour"),
        ("merci", "fr", "merci"),
        ("Cordialement", "fr", "cordialement"),
        ("I have a question with regards to it", "en", "i have a question with regards to it"),
    ],
)
def test_a_message_of_formulas_alone_or_a_word_of_them_in_a_sentence_stays(
    text: str, language: str, kept: str
) -> None:
    assert normalise(text, language) == kept


def test_formulas_alone_ask_nothing_and_a_greeting_among_them_greets() -> None:
    assert only_formulas(["madame", "monsieur"])
    assert only_formulas(["kind", "regards"])
    assert not only_formulas(["bonjour"])
    assert read("Madame, Monsieur,", "fr").intent.value == "unknown"
    assert read("Merci d'avance", "fr").intent.value == "unknown"
    assert read("Bonjour Madame", "fr").intent.value == "menu"
    assert read("Dear Sir or Madam, good morning.", "en").intent.value == "menu"
    assert without_formulas(["merci"]) == ["merci"]


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("Grandad picks the second one.", "en", 2),
        ("Ma mère choisit le numéro 3.", "fr", 3),
        ("ماما اختارت الثالث", "ar", 3),
        ("Madame, Monsieur, ma fille retiendra le choix n°2. Cordialement.", "fr", 2),
        ("Dear Sir or Madam, my wife will go for choice no. 3. Kind regards.", "en", 3),
        ("رقم 4 لبابا", "ar", 4),
    ],
)
def test_a_choice_made_by_someone_close_is_the_persons_choice(
    text: str, language: str, number: int
) -> None:
    reading = read(text, language)
    assert (reading.intent.value, reading.number) == ("number", number)


@pytest.mark.parametrize(
    ("text", "language"),
    [("coding for kids, my son is 10", "en"), ("ma fille a 5 ans", "fr")],
)
def test_an_age_of_someone_close_is_no_choice(text: str, language: str) -> None:
    assert read(text, language).intent.value != "number"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Yes, Dad confirms.", "en"),
        ("Oui, mon père confirme.", "fr"),
        ("واخا، ماما متافقة", "ar"),
        ("Je confirme au nom de ma grand-mère, merci.", "fr"),
    ],
)
def test_someone_close_agreeing_through_this_message_is_a_yes(text: str, language: str) -> None:
    assert read(text, language).intent.value == "yes"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("oui papa je rentre", "fr"),
        ("yes mum I'm coming", "en"),
        ("ma mère a confirmé son rendez-vous chez le dentiste", "fr"),
        ("c'est confirmé à la préfecture pour mon père", "fr"),
    ],
)
def test_a_yes_said_to_someone_close_or_done_by_them_elsewhere_is_none(
    text: str, language: str
) -> None:
    assert read(text, language).intent.value != "yes"


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("Nous annulons la place de papi, il est à l'hôpital.", "fr", "cancel"),
        ("We need to give up Grandad's place, he's moving away.", "en", "cancel"),
        ("جدي بغا يلغي الحجز ديالو", "ar", "cancel"),
        ("oglumuzun hesabinin tamamen silinmesini istiyoruz", "tr", "forget"),
    ],
)
def test_an_act_asked_for_someone_close_is_read(text: str, language: str, intent: str) -> None:
    assert read(text, language).intent.value == intent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ma voisine m'a dit d'annuler", "fr"),
        ("mon père a annulé son rendez-vous chez le médecin", "fr"),
        ("ma voisine s'est désinscrite de votre atelier la semaine dernière", "fr"),
        ("khti lghat l'inscription dyalha, mrida", "ar"),
        ("Mum forgot which day her workshop is, can you remind us?", "en"),
        ("mon père a pu annuler son rendez-vous à la mairie grâce à votre atelier", "fr"),
    ],
)
def test_advice_or_an_act_told_as_done_by_someone_close_acts_on_nothing(
    text: str, language: str
) -> None:
    assert read(text, language).intent.value not in ACTS


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("Madame, Monsieur, je vous confirme mon accord. Bien à vous.", "fr", "yes"),
        ("To whom it may concern, I hereby confirm my agreement. Yours faithfully.", "en", "yes"),
        ("Sayin yetkili, cevabim olumsuzdur. Saygilarimla.", "tr", "no"),
        ("Dear Sir, I'm afraid our answer is no. Best regards.", "en", "no"),
    ],
)
def test_a_letters_formal_answer_is_read(text: str, language: str, intent: str) -> None:
    assert read(text, language).intent.value == intent


def test_a_formal_answer_asked_is_no_answer() -> None:
    assert read("is the answer no?", "en").intent.value not in ACTS


def test_a_helper_giving_up_the_seat_of_someone_unwell_cancels_it() -> None:
    text = "Bakımevimizden Fatma Hanım cuma gelemeyecek, rahatsız, yerini iptal edin lütfen"
    assert read(text, "tr").intent.value == "cancel"
    assert read("beni rahatsız etmeyin, mesaj atmayın", "tr").intent.value == "stop"


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("بابا فالسبيطار، ما غاديش يجي للورشة غدا", "ar", "cancel"),
        ("ماما ما نقدرش نجي للورشة", "ar", "unknown"),
        ("Chef je pourrai pas venir demain", "fr", "unknown"),
    ],
)
def test_someone_close_named_first_is_spoken_of_when_they_will_not_come_to_the_workshop(
    text: str, language: str, intent: str
) -> None:
    assert read(text, language).intent.value == intent


@pytest.mark.parametrize(
    ("text", "language", "left"),
    [
        ("Babam adına yazıyorum: bu ne demek?", "tr", "bu ne demek"),
        ("I'm writing for my dad, he can't come on Friday", "en", "he can t come on friday"),
        ("Bonjour, je vous écris pour ma mère, elle est malade", "fr", "bonjour elle est malade"),
        ("je vous écris de la part de ma fille", "fr", "je vous ecris de la part de ma fille"),
    ],
)
def test_an_opening_that_says_for_whom_one_writes_is_set_aside(
    text: str, language: str, left: str
) -> None:
    assert normalise(text, language) == left


@pytest.mark.parametrize(
    ("text", "language"),
    [("maman viendra pas", "fr"), ("mum can't make it", "en"), ("ماما ما غاتجيش", "ar")],
)
def test_someone_close_not_coming_in_a_few_words_gives_their_seat_back(
    text: str, language: str
) -> None:
    assert read(text, language).intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("maman je viendrai pas ce soir", "fr"), ("mum i can't come tonight", "en"),
     ("ماما ما غانجيش", "ar"), ("my wife can't come to the parents evening", "en")],
)  # fmt: skip
def test_a_word_to_someone_close_or_about_somewhere_else_cancels_nothing(
    text: str, language: str
) -> None:
    assert read(text, language).intent != TextIntent.CANCEL

"""Messages meant for someone else, and the acts near them that the train_d/e/f writers showed:
a notice pasted from another sender, a child's absence told to a school, keys pressed at
random before a number, a stop said to someone named, an erase of one's name and phone,
a practical question about another place or a shopper's, a data question about another
holder. The sentences are our own; the requests they look like still act.
"""

from __future__ import annotations

import pytest

from core.understanding import addressed, meant_elsewhere
from core.understanding.corrections import cancels_our_booking
from core.understanding.data_questions import asks_about_data
from core.understanding.intents import TextIntent, read
from core.understanding.normalising import normalise
from core.understanding.practical_questions import asks_practical
from core.understanding.safety import plausible
from core.understanding.topics import names_a_topic


def words(text: str, language: str | None = None) -> list[str]:
    return normalise(text, language).split()


@pytest.mark.parametrize(
    ("text", "language"),
    [("Your dentist appointment is on Friday at 3pm. Reply N to cancel or Y to confirm", "en"),
     ("Livraison prévue demain. Répondez STOP pour ne plus recevoir nos offres", "fr"),
     ("Siparişiniz kargoda. Aboneliği bitirmek için RET yazın", "tr"),
     ("Rappel : votre rendez-vous chez le kiné jeudi à 9h. En cas d'empêchement, prévenez", "fr"),
     ("Reminder: your eye test at the optician is tomorrow. Can't make it? Call us", "en")],
)  # fmt: skip
def test_a_notice_pasted_from_another_sender_asks_nothing(text: str, language: str) -> None:
    assert meant_elsewhere.pasted_notice(text, words(text, language))
    assert read(text, language).intent not in (
        TextIntent.CANCEL, TextIntent.STOP, TextIntent.YES, TextIntent.MY_BOOKINGS
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [("STOP", "fr", TextIntent.STOP), ("please STOP the texts", "en", TextIntent.STOP),
     ("Rappel : je ne pourrai pas venir jeudi", "fr", TextIntent.CANCEL),
     ("je vous réponds pour annuler ma place", "fr", TextIntent.CANCEL)],
)  # fmt: skip
def test_a_request_in_capitals_or_after_a_reminder_still_acts(
    text: str, language: str, intent: TextIntent
) -> None:
    assert not meant_elsewhere.pasted_notice(text, words(text, language))
    assert read(text, language).intent == intent


@pytest.mark.parametrize(
    ("text", "language"),
    [("Bonjour madame, Lina sera absente à l'école demain, elle a de la fièvre", "fr"),
     ("Sorry, Sam won't be in school today, he's got a tummy bug", "en"),
     ("Merhaba öğretmenim, kızım yarın okula gelemeyecek", "tr"),
     ("السلام عليكم، ولدي ما غاديش يمشي للمدرسة غدا", "ar")],
)  # fmt: skip
def test_a_child_absent_from_school_gives_up_no_seat(text: str, language: str) -> None:
    assert meant_elsewhere.told_to_school(words(text, language))
    assert read(text, language).intent != TextIntent.CANCEL


def test_a_seat_given_up_for_a_reason_at_school_is_still_a_cancel() -> None:
    text = "je ne peux pas venir à l'atelier jeudi, je dois aller à l'école de mon fils"
    assert not meant_elsewhere.told_to_school(words(text, "fr"))
    assert read(text, "fr").intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("jjjjjjjj ,,,,, 9", "fr"), ("nnnnnn.,, 7", "en"), ("pppppp 3", "tr")],
)
def test_a_number_after_keys_pressed_at_random_is_no_choice(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.NUMBER


@pytest.mark.parametrize(("text", "number"), [("euh le 3", 3), ("mmmm le 2", 2), ("3", 3)])
def test_a_number_after_a_hesitation_is_still_a_choice(text: str, number: int) -> None:
    reading = read(text, "fr")
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


@pytest.mark.parametrize(
    "text", ["Tom, stop it, I'm on the phone", "Ahmet, dur artık", "Nadia, arrête de crier"]
)
def test_a_stop_said_to_someone_named_first_is_no_opt_out(text: str) -> None:
    assert addressed.named_then_stop(text)
    assert read(text).intent != TextIntent.STOP


@pytest.mark.parametrize(("text", "language"), [("Merci, stop", "fr"), ("STOP", "en")])
def test_a_stop_after_a_known_word_still_stops(text: str, language: str) -> None:
    assert not addressed.named_then_stop(text)
    assert read(text, language).intent == TextIntent.STOP


@pytest.mark.parametrize(
    ("text", "language"),
    [("effacez mon nom et mon téléphone de votre fichier", "fr"),
     ("I request the erasure of my data", "en"),
     ("ismimi kayıtlarınızdan silin", "tr"),
     ("KVKK gereği verilerimin imha edilmesini istiyorum", "tr"),
     ("7ydo numero dyali 3afak", "ar")],
)  # fmt: skip
def test_an_erase_of_ones_name_or_phone_bears_on_data_not_on_a_seat(
    text: str, language: str
) -> None:
    said = words(text, language)
    assert plausible(TextIntent.FORGET, said, 0.9)
    assert not cancels_our_booking(said, False)
    assert read(text, language).intent != TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("la mairie ouvre à quelle heure samedi ?", "fr"),
     ("when does the swimming pool open on sunday?", "en"),
     ("belediye kaçta açılıyor?", "tr"),
     ("vous êtes ouverts dimanche ? je cherche un chargeur", "fr")],
)  # fmt: skip
def test_the_hours_of_another_place_or_a_shoppers_question_ask_no_help(
    text: str, language: str
) -> None:
    assert not asks_practical(words(text, language), True)


def test_the_shops_hours_still_ask_for_help() -> None:
    assert asks_practical(words("la boutique ouvre à quelle heure samedi ?", "fr"), True)


@pytest.mark.parametrize(
    ("text", "language", "asks"),
    [("combien de temps Facebook garde mes données ?", "fr", False),
     ("how long does my bank keep my data?", "en", False),
     ("do you share my data with the bank?", "en", True),
     ("vous gardez mes données combien de temps ?", "fr", True)],
)  # fmt: skip
def test_a_data_question_about_another_holder_is_not_about_the_bot(
    text: str, language: str, asks: bool
) -> None:
    assert asks_about_data(words(text, language), True) is asks


@pytest.mark.parametrize(
    ("text", "language", "named"),
    [("my dad just got a tablet and wants to learn email, what would you suggest?", "en", False),
     ("ma tante veut apprendre les mails, vous avez un atelier adapté ?", "fr", False),
     ("annem e-posta öğrenmek istiyor, ona uygun atölye var mı?", "tr", False),
     ("je veux apprendre les mails", "fr", True)],
)  # fmt: skip
def test_a_topic_told_as_a_need_while_asking_what_would_suit_asks_for_the_list(
    text: str, language: str, named: bool
) -> None:
    assert names_a_topic(words(text, language)) is named

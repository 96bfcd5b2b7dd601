"""Long messages that tell a story around one request or one answer: read sentence by
sentence when nothing was understood whole. The messages are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.intents import TextIntent, read

STORY = (
    "Mon petit-fils m'a installé l'application hier soir, il est reparti à Nancy ce matin et"
    " je suis toute seule devant l'écran avec mes lunettes."
)


@pytest.mark.parametrize(
    ("request_", "intent"),
    [("Vous pouvez me répéter votre message plus simplement ?", "explain"),
     ("Vous pouvez m'écrire en arabe ?", "language"),
     ("Comment je reviens au menu du début ?", "menu")],
)  # fmt: skip
def test_a_request_after_a_story_is_the_request(request_: str, intent: str) -> None:
    assert read(f"{STORY} {request_}", "fr").intent == TextIntent(intent)


def test_a_yes_first_then_why_is_a_yes() -> None:
    text = (
        "Oui, c'est parfait pour moi. Mon fils me déposera en voiture avant d'aller au"
        " travail, il passe juste devant chez vous tous les matins."
    )
    assert read(text, "fr").intent == TextIntent.YES


def test_a_yes_first_with_an_act_after_it_is_no_yes() -> None:
    text = (
        "Oui, c'est parfait pour moi. Mais finalement je ne pourrai pas venir jeudi, mon fils"
        " ne peut plus me déposer en voiture avant d'aller au travail."
    )
    assert read(text, "fr").intent != TextIntent.YES


def test_a_story_with_a_question_of_its_own_acts_on_nothing() -> None:
    text = (
        "Ma voisine a annulé son abonnement au club de gym, elle dit que c'est trop cher"
        " maintenant. Elle a raison, non ? Tout augmente, le pain, le gaz, même le bus."
    )
    assert read(text, "fr").intent not in (TextIntent.CANCEL, TextIntent.YES, TextIntent.NO)


def test_a_choice_among_a_long_message_is_read_when_it_is_the_only_number() -> None:
    text = (
        "Alors j'ai tout regardé avec mes lunettes, il y a plein de choses bien. Je vais"
        " prendre le premier, voilà. Mon mari en choisira peut-être un autre plus tard."
    )
    reading = read(text, "fr")
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, 1)


def test_a_short_message_is_not_read_sentence_by_sentence() -> None:
    assert read("Il pleut. Vous parlez arabe ?", "fr").by != "long_message"


def test_a_cancel_after_naming_the_workshop_booked_is_a_cancel() -> None:
    text = "j'avais réservé le cours sur les arnaques mais je vais pas pouvoir venir"
    assert read(text, "fr").intent == TextIntent.CANCEL


def test_a_topic_named_in_the_story_does_not_hide_the_question_asked() -> None:
    text = (
        "Ma femme est partie chez sa sœur à Lyon, c'est elle qui faisait tout, les impôts, la"
        " banque, les factures d'électricité. Je suis un peu perdu. Qu'est-ce que vous avez"
        " comme ateliers en ce moment ?"
    )
    assert read(text, "fr").intent == TextIntent.WORKSHOPS


def test_an_apology_for_disturbing_stops_no_message() -> None:
    text = (
        "Rahatsiz ettigim icin kusura bakmayin. Kizim hasta, persembe gunku kursa"
        " gelemeyecegim, yerimi baska birine verin lutfen."
    )
    assert read(text, "tr").intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("Yes. But I need to check with my son first, he drives me everywhere these days and his"
      " shifts change every week.", "en"),
     ("Oui. Ça dépend de mon fils, il me dira ce soir s'il peut me déposer devant chez vous"
      " le matin.", "fr"),
     ("Evet. Ama kocam bu aksam karar verecek, simdilik bir sey diyemem, kusura bakmayin"
      " lutfen, yarin yazarim.", "tr")],
)  # fmt: skip
def test_a_yes_taken_back_or_left_open_after_it_is_no_yes(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.YES


def test_a_yes_with_a_but_that_agrees_is_a_yes() -> None:
    text = (
        "C'est bon, vous pouvez confirmer. Je n'avais pas vu votre message, mon téléphone était"
        " resté dans la poche. Mais ça me va très bien, je serai là sans faute."
    )
    assert read(text, "fr").intent == TextIntent.YES


def test_an_unsure_cancel_taken_back_after_it_is_not_asked_about() -> None:
    text = "le tram ne marche pas, je pense annuler, mais finalement mon fils m'emmène"
    assert read(text, "fr").intent != TextIntent.CANCEL


def test_someone_else_not_coming_beside_a_booked_workshop_asks_nothing_to_cancel() -> None:
    text = (
        "j'ai réservé le cours sur les arnaques, mon mari ne peut pas venir, il peut venir une"
        " autre fois ?"
    )
    assert read(text, "fr").intent != TextIntent.CANCEL


def test_an_apology_after_a_wish_not_to_be_disturbed_still_stops() -> None:
    assert read("annulez, je ne veux plus être dérangée, désolée", "fr").intent == (TextIntent.STOP)


def test_a_stop_told_of_someone_else_beside_messages_kept_is_no_stop() -> None:
    assert read("I stopped the class but I still enjoy reading your texts", "en").intent != (
        TextIntent.STOP
    )


def test_a_story_longer_than_what_is_read_is_read_quickly() -> None:
    text = "Il fait beau aujourd'hui. " * 400 + "Vous parlez arabe ?"
    assert read(text, "fr").intent == TextIntent.UNKNOWN  # the request is past what is read


def test_a_device_trouble_beside_an_unsure_removal_is_not_asked_about() -> None:
    reading = read("my laptop has a virus, can you remove it for me", "en")
    assert reading.intent not in (TextIntent.CANCEL, TextIntent.FORGET)

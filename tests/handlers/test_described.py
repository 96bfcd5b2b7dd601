"""A workshop picked from a description: people who do not tap buttons say what they want.

On the list of workshops, "celui pour parler avec mes petits-enfants en vidéo", "the one
about the tax website", "الي فيه الواتساب" or "torunlarımla görüntülü konuşmak için olan" open
that workshop's card (``core.understanding.describing``); two close workshops are asked
about in one question; a cancel, one's bookings or a question about data naming a topic stay
what they were. Both databases.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import FixedClock
from handlers.machinery.choices import ChoiceData, SessionCard
from handlers.machinery.turns import Conversations
from models import Database
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings

WORKSHOPS = (
    ("Prendre en main son smartphone", "Allumer, appeler, envoyer un message, à son rythme."),
    ("Bien utiliser WhatsApp", "Envoyer des messages, des photos et des messages vocaux."),
    ("Appeler ses proches en vidéo", "Voir et parler à sa famille à distance."),
    ("Faire ses démarches en ligne", "CAF, impôts, Ameli : se connecter avec FranceConnect."),
    ("Protéger ses données personnelles", "Mots de passe, arnaques par SMS et par e-mail."),
)


async def listed(db: Database) -> None:
    """The five workshops, one a day from Wednesday."""
    for day, (title, description) in enumerate(WORKSHOPS):
        start = NOW + timedelta(days=2 + day, hours=4)
        await add_session(db, title=title, description=description, starts_at=start)


async def on_the_list(database_url: str, db: Database, clock: FixedClock, **person: str) -> Chat:
    """A person who opened the list of workshops."""
    await listed(db)
    chat = Chat(Conversations(db, make_settings(database_url), clock), "1", **person)
    await chat.say("bonjour")
    await chat.pick("l:0")
    labels = [choice.label for reply in chat.last for choice in reply.flat_choices()]
    assert any("smartphone" in label for label in labels)  # the list
    return chat


def offered(chat: Chat) -> list[str]:
    """The labels of the workshops the last answer offers (cards to open)."""
    return [
        choice.label
        for reply in chat.last
        for choice in reply.flat_choices()
        if isinstance(ChoiceData.parse(choice.data), SessionCard)
    ]


@pytest.mark.parametrize(
    ("language", "said", "title"),
    [
        ("fr", "celui pour parler avec mes petits-enfants en vidéo", "Appeler ses proches"),
        ("en", "the one about the tax website", "Faire ses démarches en ligne"),
        ("ar", "الي فيه الواتساب", "Bien utiliser WhatsApp"),
        ("tr", "torunlarımla görüntülü konuşmak için olan", "Appeler ses proches en vidéo"),
        ("fr", "j'ai reçu un sms bizarre de la banque", "Protéger ses données personnelles"),
    ],
)
async def test_a_described_workshop_opens_its_card_on_telegram(
    database_url: str, db: Database, clock: FixedClock, language: str, said: str, title: str
) -> None:
    chat = await on_the_list(database_url, db, clock, language=language, channel="telegram")
    await chat.say(said)
    assert title in chat.text
    others = [other for other, _ in WORKSHOPS if not other.startswith(title)]
    assert not any(other in chat.text for other in others)  # its card, not the list again
    assert not offered(chat)


async def test_a_described_workshop_opens_its_card_by_sms(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    chat = await on_the_list(database_url, db, clock, channel="sms")
    await chat.say("le truc pour la CAF")
    assert "Faire ses démarches en ligne" in chat.text
    assert "WhatsApp" not in chat.text


async def test_two_close_workshops_are_asked_about_then_the_one_chosen_opens(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    chat = await on_the_list(database_url, db, clock, channel="telegram")
    await chat.say("les appels vidéo sur whatsapp")
    assert chat.text.startswith("Je ne suis pas sûr d'avoir compris.\nVous voulez :")
    choices = offered(chat)
    assert len(choices) == 2
    assert any("WhatsApp" in label for label in choices)
    assert any("Appeler ses proches en vidéo" in label for label in choices)
    await chat.press("WhatsApp")
    assert "Bien utiliser WhatsApp" in chat.text
    assert "Appeler ses proches" not in chat.text


async def test_by_sms_the_two_close_workshops_are_numbered_and_a_number_answers(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    chat = await on_the_list(database_url, db, clock, channel="sms")
    await chat.say("les appels vidéo sur whatsapp")
    assert "Vous voulez" in chat.text
    first = offered(chat)[0]
    await chat.say("1")
    assert first.split(" ")[0] in chat.text  # the first offered workshop's card
    assert "Vous voulez" not in chat.text


async def test_an_act_or_ones_bookings_naming_a_topic_stays_what_it_is(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    chat = await on_the_list(database_url, db, clock, channel="telegram")
    await chat.say("celui pour mettre des messages vocaux")  # a description: the card
    assert "Bien utiliser WhatsApp" in chat.text
    await chat.press("réserver")
    await chat.press("Oui")
    assert "réservé" in chat.text.casefold()
    await chat.pick("l:0")
    await chat.say("annulez ma place à l'atelier WhatsApp")  # a cancel: its confirmation
    assert chat.text.startswith("Voulez-vous vraiment annuler votre place ?")
    await chat.pick("l:0")
    await chat.say("mes inscriptions à l'atelier WhatsApp")  # one's bookings, not its card
    assert chat.text.startswith("Vos inscriptions :")
    await chat.pick("l:0")
    await chat.say("combien de temps gardez-vous mes données personnelles ?")  # data: the notice
    assert "Protéger ses données personnelles" not in chat.text


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "my grandson is 4 and he wants whatsapp"),
        ("fr", "mon petit-fils a 4 et il veut whatsapp"),
    ],
)
async def test_a_number_inside_a_description_of_another_workshop_is_asked_about(
    database_url: str, db: Database, clock: FixedClock, language: str, said: str
) -> None:
    chat = await on_the_list(database_url, db, clock, language=language, channel="telegram")
    await chat.say(said)  # 4 is an age here: line 4 is "Faire ses démarches en ligne"
    choices = offered(chat)
    assert len(choices) == 2
    assert any("Faire ses démarches en ligne" in label for label in choices)
    assert any("WhatsApp" in label for label in choices)
    await chat.press("WhatsApp")
    assert "Bien utiliser WhatsApp" in chat.text


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("tr", "oğlum 4 yaşında, whatsapp kullanmak istiyor"),
        ("en", "my grandson is 4 years old and he wants whatsapp"),
    ],
)
async def test_a_number_told_as_an_age_is_no_line_and_the_description_opens_its_workshop(
    database_url: str, db: Database, clock: FixedClock, language: str, said: str
) -> None:
    chat = await on_the_list(database_url, db, clock, language=language, channel="telegram")
    await chat.say(said)  # the 4 is an age, never line 4
    assert "Bien utiliser WhatsApp" in chat.text
    assert "Faire ses démarches en ligne" not in chat.text


async def test_a_number_beside_words_of_the_same_workshop_opens_it(
    database_url: str, db: Database, clock: FixedClock
) -> None:
    chat = await on_the_list(database_url, db, clock, channel="telegram")
    await chat.say("le 2, celui de whatsapp")
    assert "Bien utiliser WhatsApp" in chat.text
    assert not offered(chat)

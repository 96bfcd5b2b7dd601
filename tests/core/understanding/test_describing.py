"""Picking a workshop from a description: the topic lists, the scores, who may describe."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.understanding.describing import (
    described,
    may_describe,
    may_pick,
    one_stands_for_a_workshop,
    topics_in,
    workshop_topics,
)
from core.understanding.reading import Reading, TextIntent
from tools import measure_picks

LISTED = [
    ("Prendre en main son smartphone", "Allumer, appeler, envoyer un message."),
    ("Bien utiliser WhatsApp", "Envoyer des messages, des photos et des messages vocaux."),
    ("Appeler ses proches en vidéo", "Voir et parler à sa famille à distance."),
    ("Faire ses démarches en ligne", "CAF, impôts, Ameli : se connecter avec FranceConnect."),
    ("Les réseaux sociaux en sécurité", "Ce que l'on partage, avec qui."),
    ("Protéger ses données personnelles", "Mots de passe, arnaques par SMS et par e-mail."),
]


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("torunlarımla görüntülü konuşmak", "tr", "video_calls"),
        ("torunlarimla goruntulu konusmak", "tr", "video_calls"),  # without its letters
        ("والواتساب", "ar", "whatsapp"),  # a particle written on the word
        ("bghit n3ref lwatsap", "ar", "whatsapp"),  # Arabizi, the article on the word
        ("les arnaques par téléphone", "fr", "security"),  # a stem: arnaque*
        ("my taxes", "en", "admin_online"),
        ("e-devlet şifresi", "tr", "admin_online"),
        ("السيفي ديالي", "ar", "cv_job"),
    ],
)
def test_a_topic_is_read_in_every_language_and_spelling(
    text: str, language: str, topic: str
) -> None:
    assert topic in topics_in(text, language)


def test_the_longest_words_win_and_a_hint_is_read_only_in_its_own_language() -> None:
    assert "security" not in topics_in("ma carte de sécurité sociale", "fr")
    assert topics_in("ma sécurité sociale", "fr") == {"admin_online": 1.0}
    assert "parental_control" not in topics_in("son téléphone", "fr")  # "son": English hint
    assert topics_in("my son", "en") == {}  # a son is no topic


def test_a_workshop_is_about_what_its_title_names_first() -> None:
    social = workshop_topics(*LISTED[4])
    assert social["social_networks"] == social["security"] < 1.0  # two topics share the title
    assert workshop_topics(*LISTED[5])["security"] == 1.0


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("celui pour parler avec mes petits-enfants en vidéo", "fr", LISTED[2][0]),
        ("the one about the tax website", "en", "Faire ses démarches en ligne"),
        ("الي فيه الواتساب", "ar", "Bien utiliser WhatsApp"),
        ("torunlarımla görüntülü konuşmak için olan", "tr", "Appeler ses proches en vidéo"),
        ("le truc pour la CAF", "fr", "Faire ses démarches en ligne"),
        ("j'ai reçu un sms bizarre de la banque", "fr", "Protéger ses données personnelles"),
        ("Protéger ses données", "fr", "Protéger ses données personnelles"),  # the title
    ],
)
def test_a_described_workshop_is_picked_when_it_clearly_wins(
    text: str, language: str, title: str
) -> None:
    found = described(text, LISTED, language)
    assert found.chosen is not None
    assert LISTED[found.chosen][0] == title


def test_two_close_workshops_are_offered_and_no_topic_picks_nothing() -> None:
    found = described("les appels vidéo sur whatsapp", LISTED, "fr")
    assert found.chosen is None
    assert found.between is not None
    assert {LISTED[i][0] for i in found.between} == {
        "Bien utiliser WhatsApp",
        "Appeler ses proches en vidéo",
    }
    assert not described("bonjour, ça va ?", LISTED, "fr").found
    assert not described("je viens avec ma voisine", LISTED, "fr").found


def test_the_same_title_twice_is_one_workshop_the_soonest_picked() -> None:
    twice = [LISTED[1], LISTED[0], LISTED[1]]
    assert described("le truc whatsapp", twice, "fr").chosen == 0


def test_acts_bookings_and_data_are_never_taken_for_a_description() -> None:
    assert not may_describe(Reading(TextIntent.CANCEL), "annulez l'atelier WhatsApp", "fr")
    assert not may_describe(Reading(TextIntent.FORGET), "effacez mes données", "fr")
    assert not may_describe(Reading(TextIntent.STOP), "stop whatsapp", "fr")
    assert not may_describe(Reading(TextIntent.MY_BOOKINGS), "mes ateliers WhatsApp", "fr")
    assert not may_describe(Reading(TextIntent.PRIVACY), "gardez-vous mes données ?", "fr")
    assert may_describe(Reading(TextIntent.PRIVACY), "c'est lequel pour mes données ?", "fr")
    assert may_describe(Reading(TextIntent.UNKNOWN), "le truc pour la CAF", "fr")


def _picked(text: str, language: str) -> str | tuple[str, ...] | None:
    """The topic of the workshop picked among the measuring tool's fourteen, the two asked
    about, or None."""
    found = described(text, list(measure_picks.WORKSHOPS.values()), language)
    if found.chosen is not None:
        return measure_picks.KEYS[found.chosen]
    if found.between is not None:
        return tuple(sorted(measure_picks.KEYS[i] for i in found.between))
    return None


def test_a_word_that_only_leans_never_picks_a_workshop_outright() -> None:
    for text in ("un souci avec les réglages", "il regarde des vidéos toute la journée"):
        leaning = _picked(text, "fr")  # leans towards the smartphone, the video calls
        assert not isinstance(leaning, str)  # asked about, or nothing: never picked


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("what do the blue ticks mean on the green app", "en", "whatsapp"),
        ("c'est quoi les coches bleues sur l'application verte", "fr", "whatsapp"),
        ("yeşil uygulamada grup kurmak", "tr", "whatsapp"),
        ("mon petit tombe sur des dessins animés pas de son âge", "fr", "parental_control"),
        ("ولدي كيتفرج فحوايج ماشي ديال عمرو", "ar", "parental_control"),
        ("oğlum yaşına uygun olmayan şeyler izliyor", "tr", "parental_control"),
        ("je tiens un salon de coiffure et je veux apparaître sur google maps", "fr", "business"),
        ("عندي محل وبغيت يبان فخريطة جوجل", "ar", "business"),
        ("ما عرفتش نخدم بالحاسوب", "ar", "computer_basics"),  # to use it, no job
        ("ma3reftch nkhdem b l'ordinateur", "ar", "computer_basics"),
        ("بغيت نتعلم نصور ولادي", "ar", "photos"),
    ],
)
def test_everyday_names_pick_their_workshop_and_not_a_neighbour(
    text: str, language: str, topic: str
) -> None:
    assert _picked(text, language) == topic


def test_a_device_is_the_subject_alone_and_the_setting_beside_another_topic() -> None:
    assert topics_in("ma tablette", "fr") == {"smartphone": 1.0}
    assert topics_in("je veux protéger mes enfants sur leur tablette", "fr") == {
        "parental_control": 1.0,
        "smartphone": 0.5,
    }
    assert _picked("je veux protéger mes enfants sur leur tablette", "fr") == "parental_control"
    assert _picked("how do I set a time limit on my son's tablet", "en") == "parental_control"
    video = workshop_topics(
        "La visio en famille", "Voir ses proches depuis un téléphone ou une tablette."
    )
    assert "smartphone" not in video  # where it happens, not what it is about
    assert workshop_topics("Le téléphone pour débuter", "")["smartphone"] == 1.0
    # leaning words that add up name no subject: the device still names its topic
    assert topics_in("l'écran de ma tablette, je n'arrive pas à cliquer", "fr") == {
        "computer_basics": 1.0,
        "smartphone": 1.0,
    }


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("c'est pour moi, pas pour mes enfants : facebook", "fr", "social_networks"),
        ("not for my kids, facebook for me", "en", "social_networks"),
        ("çocuklar için değil, kendim için instagram", "tr", "social_networks"),
        ("the one about photos, not the whatsapp one", "en", "photos"),
    ],
)
def test_a_topic_said_not_to_be_wanted_is_not_counted(text: str, language: str, topic: str) -> None:
    assert _picked(text, language) == topic
    assert topics_in("je sais pas créer un groupe whatsapp", "fr") == {"whatsapp": 1.5}


def test_a_word_of_another_language_is_not_read_inside_a_word() -> None:
    assert "artificial_intelligence" not in topics_in("j'ai un souci, je n'ai pas compris", "fr")
    assert "artificial_intelligence" in topics_in("learn about AI", "en")
    assert topics_in("my laptop: left or right click?", "en") == {"computer_basics": 1.5}
    assert "online_banking" in topics_in("eft yapmak", "tr")
    assert "whatsapp" in topics_in("bghit n3ref lwatsap", "ar")


def test_on_the_list_help_or_a_guessed_bookings_reading_gives_way_to_a_description() -> None:
    helped = Reading(TextIntent.HELP, 0.9, by="classifier")
    text = "les dossiers et les fichiers je m'y perds"
    assert may_pick(helped, text, "fr", listed=True)
    assert not may_pick(helped, text, "fr", listed=False)  # off the list: help
    guessed = Reading(TextIntent.MY_BOOKINGS, 0.6, by="classifier")
    assert may_pick(guessed, "need to redo my resume", "en", listed=True)
    sure = Reading(TextIntent.MY_BOOKINGS, 0.9, by="classifier")
    assert not may_pick(sure, "mes inscriptions à l'atelier WhatsApp", "fr", listed=True)
    data = Reading(TextIntent.PRIVACY, 0.9, by="classifier")
    assert not may_pick(data, "que faites-vous de mes données ?", "fr", listed=True)


def test_one_stands_for_a_workshop_only_beside_words_that_point_at_one() -> None:
    assert one_stands_for_a_workshop("the one about the tax website", "en")
    assert one_stands_for_a_workshop("bghit nkhdem, chmen wahed?", "ar")
    assert not one_stands_for_a_workshop("number one please", "en")
    assert not one_stands_for_a_workshop("the 1 about taxes", "en")


def test_the_measuring_tool_prints_texts_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ("le truc pour la CAF", "fr", "admin_online"),
        ("zzz qwerty", "en", "photos"),
        ("the one about the tax website", "en", "admin_online"),
    ]
    path = tmp_path / "picks.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "language", "topic"])
        writer.writerows(rows)
    assert measure_picks.main([str(path)]) == 0
    quiet = capsys.readouterr().out
    assert "right  66.7 % (  2)" in quiet
    assert "nothing  33.3 % (  1)" in quiet
    assert not any(text in quiet for text, _, _ in rows)
    measure_picks.main([str(path), "--wrong"])
    assert "zzz qwerty" in capsys.readouterr().out


def test_the_measuring_tool_keeps_a_quarter_apart_by_the_hash_of_the_text(
    tmp_path: Path,
) -> None:
    texts = [f"le truc pour la CAF numéro {n}" for n in range(12)]
    path = tmp_path / "picks.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "language", "topic"])
        writer.writerows((text, "fr", "admin_online") for text in texts)
    kept = {o.text for o in measure_picks.outcomes(path, "kept")}
    tuning = {o.text for o in measure_picks.outcomes(path, "tuning")}
    assert kept == {text for text in texts if measure_picks.kept_apart(text)}
    assert kept
    assert tuning == set(texts) - kept

"""An answer changed within a short message, a hesitation between choices settled, a choice
named in a formal sentence, a request of one's own after someone else's words, and French and
English words shaped like Turkish endings. The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding.intents import TextIntent, read


@pytest.mark.parametrize(
    ("text", "language", "meant"),
    [
        ("no wait, yes, that's right", "en", TextIntent.YES),
        ("yes... hang on, no, leave it", "en", TextIntent.NO),
        ("non attendez, oui c'est bon", "fr", TextIntent.YES),
        ("oui... en fait non, laissez", "fr", TextIntent.NO),
        ("evet... aslında hayır", "tr", TextIntent.NO),
        ("لا تسني، واخا", "ar", TextIntent.YES),
    ],
)
def test_an_answer_changed_in_the_message_is_the_last_one(
    text: str, language: str, meant: TextIntent
) -> None:
    assert read(text, language).intent == meant


@pytest.mark.parametrize(
    ("text", "language"),
    [("لا، لا أؤكد", "ar"), ("no, I don't confirm", "en"), ("non... attendez, je réfléchis", "fr")],
)
def test_no_yes_comes_of_a_no_said_twice_or_of_thinking_aloud(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.YES


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("le 2 ou le 4... allez le 4", "fr", 4),
        ("1 or 3? fine, 3", "en", 3),
        ("iki mi dört mü... hadi dört", "tr", 4),
        ("2 wla 3... safi 3", "ar", 3),
    ],
)
def test_a_hesitation_settled_picks_the_choice_said_last(
    text: str, language: str, number: int
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


@pytest.mark.parametrize(
    ("text", "language"), [("le 2 ou le 4", "fr"), ("2 or 3 people, fine, 3", "en")]
)
def test_a_hesitation_left_open_or_a_count_picks_nothing(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.NUMBER


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("Madame, Monsieur, je souhaite retenir l'option 3 de votre liste.", "fr", 3),
        ("Dear Sir or Madam, I would like to choose the fourth option you sent.", "en", 4),
        ("Sayın yetkili, listedeki beşinci seçeneği tercih ediyorum.", "tr", 5),
        ("أرغب في الخيار الثاني من القائمة التي أرسلتموها.", "ar", 2),
    ],
)
def test_a_choice_named_in_a_formal_sentence_is_that_choice(
    text: str, language: str, number: int
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("the 3rd option in my phone's settings is greyed out", "en"),
        ("je ne veux pas l'option 2 de la liste", "fr"),
        ("can I still choose option 2 next month?", "en"),
        ("dossier n° 4471, je souhaite l'option 2", "fr"),
    ],
)
def test_a_choice_noun_beside_a_number_alone_picks_nothing(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.NUMBER


@pytest.mark.parametrize(
    ("text", "language", "meant"),
    [
        (
            "Mon kiné m'a dit de ne pas marcher cette semaine. Merci d'annuler ma place.",
            "fr",
            TextIntent.CANCEL,
        ),
        (
            "Oğlum çok fazla mesaj geldiğini söylüyor. Mesajları durdurun lütfen.",
            "tr",
            TextIntent.STOP,
        ),
    ],
)
def test_a_request_with_a_please_after_someone_elses_words_is_the_persons_own(
    text: str, language: str, meant: TextIntent
) -> None:
    assert read(text, language).intent == meant


@pytest.mark.parametrize(
    ("text", "language"),
    [("ma voisine m'a dit : annulez svp", "fr"), ("my neighbour told me to cancel please", "en")],
)
def test_a_please_inside_someone_elses_words_acts_on_nothing(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"), [("cancel my course please", "en"), ("annulez ma course", "fr")]
)
def test_a_word_shaped_like_a_turkish_condition_sets_none(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.CANCEL


def test_a_turkish_condition_still_asks() -> None:
    assert read("iptal edersem ne olur", "tr").intent == TextIntent.HELP


@pytest.mark.parametrize(
    ("text", "language", "meant", "number"),
    [
        (
            "Très bien, je confirme ma présence. Je n'ai jamais manqué un rendez-vous de ma vie,"
            " ce n'est pas à soixante-dix ans que je vais commencer, mon mari en rit encore.",
            "fr",
            TextIntent.YES,
            None,
        ),
        (
            "OK, count me in. I'm not a morning person, never have been, but I'll set two alarms"
            " and my neighbour says she doesn't mind giving me a lift into town that day.",
            "en",
            TextIntent.YES,
            None,
        ),
        (
            "The third one please. My daughter read me the whole list on the phone last night,"
            " she says it's the only one after her shift, and she'll come with me at 5.",
            "en",
            TextIntent.NUMBER,
            3,
        ),
    ],
)
def test_a_long_story_is_answered_by_its_first_sentence(
    text: str, language: str, meant: TextIntent, number: int | None
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (meant, number)


def test_a_story_that_changes_its_choice_later_picks_nothing() -> None:
    text = (
        "The third one please. Actually my daughter read me the list again last night and"
        " she says the fourth one is better for me, so put me down for 4 instead."
    )
    assert read(text, "en").number != 3


@pytest.mark.parametrize(
    ("text", "language", "meant"),
    [
        ("I'd like to stop getting your reminders", "en", TextIntent.STOP),
        ("merci pour le rappel, mais je ne pourrai pas venir", "fr", TextIntent.CANCEL),
        ("now that I'm 80 I forget everything", "en", TextIntent.UNKNOWN),
        ("forget me please, delete everything", "en", TextIntent.FORGET),
        ("Can my data be erased one day? Just asking for now.", "en", TextIntent.PRIVACY),
        ("أرجو عدم إلغاء حجزي", "ar", TextIntent.NO),
    ],
)
def test_reminders_ones_own_forgetting_a_question_only_asked_and_a_refusal(
    text: str, language: str, meant: TextIntent
) -> None:
    assert read(text, language).intent == meant


def test_a_choice_softened_by_a_darija_yes_is_the_choice() -> None:
    reading = read("3 wakha", "ar")
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, 3)


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("number 2 mate", "en", 2),
        ("le 4 c'est très bien", "fr", 4),
        ("mettez-moi au 5", "fr", 5),
        ("beni 6'ya yazın", "tr", 6),
        ("sevun", "en", 7),
        ("sb3a", "ar", 7),
    ],
)
def test_a_choice_said_the_way_people_talk_is_that_choice(
    text: str, language: str, number: int
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


@pytest.mark.parametrize(
    ("text", "language", "meant"),
    [
        ("get rid of my details please", "en", TextIntent.FORGET),
        ("clear my data from your system", "en", TextIntent.FORGET),
        ("No no, I still want my place", "en", TextIntent.NO),
        ("N'annulez rien, je viens toujours", "fr", TextIntent.NO),
        ("banco", "fr", TextIntent.YES),
        ("yallah", "ar", TextIntent.YES),
        ("hadi bakalım", "tr", TextIntent.YES),
    ],
)
def test_everyday_words_for_an_erase_a_refusal_and_a_yes(
    text: str, language: str, meant: TextIntent
) -> None:
    assert read(text, language).intent == meant


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I'll take 5. Oh sorry, I just saw that 5 is on a Saturday, please ignore that.", "en"),
        ("Put me down for 3. But I need to check with my husband first, he drives me.", "en"),
    ],
)
def test_a_story_that_takes_its_first_choice_back_picks_nothing(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.NUMBER


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("2 ok or 3", "en"),
        ("2 olsun mu 3 mü", "tr"),
        ("I'd like to know what option 3 is", "en"),
        ("Je voudrais réserver le créneau du 3 juin svp", "fr"),
        ("Je voudrais autre chose que le choix 1", "fr"),
        ("he is 4", "en"),
    ],
)
def test_a_number_still_weighed_asked_about_dated_or_told_picks_nothing(
    text: str, language: str
) -> None:
    assert read(text, language).intent != TextIntent.NUMBER


@pytest.mark.parametrize(
    ("text", "language", "meant"),
    [
        ("Wrong person, please stop texting me", "en", TextIntent.STOP),
        ("Don't stop the messages, just cancel my Tuesday place please", "en", TextIntent.CANCEL),
        (
            "Please cancel my place on Tuesday. Is there parking near the library too, just asking",
            "en",
            TextIntent.CANCEL,
        ),
        ("No, I can't make it on Tuesday, I'll come next month instead", "en", TextIntent.CANCEL),
    ],
)
def test_a_clear_act_beside_a_mistake_a_refusal_or_a_question_stands(
    text: str, language: str, meant: TextIntent
) -> None:
    assert read(text, language).intent == meant


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("no actually it's ok, forget it", "en"),
        ("non en fait c'est bon", "fr"),
        ("non attendez oui inchallah", "fr"),
        ("Ne supprimez rien svp. Mon petit-fils m'a dit de tout supprimer.", "fr"),
        ("My husband says we must. Cancel it please, that's what he told me. I don't know.", "en"),
        ("Arrêtez de me demander de vous rappeler, je n'ai pas de crédit", "fr"),
    ],
)
def test_no_yes_nor_act_from_a_matter_closed_a_hedge_or_a_quote(text: str, language: str) -> None:
    assert read(text, language).intent not in (
        TextIntent.YES,
        TextIntent.CANCEL,
        TextIntent.FORGET,
        TextIntent.STOP,
    )


@pytest.mark.parametrize(
    ("text", "language", "meant"),
    [
        (
            "Trop de messages ! Entre la banque, la mutuelle et vous, mon téléphone ne s'arrête"
            " jamais, je n'en dors plus. Arrêtez de m'envoyer vos SMS, merci de comprendre.",
            "fr",
            TextIntent.STOP,
        ),
        (
            "I didn't get a word of your last text, it's full of abbreviations I don't know."
            " I left school at fourteen to work on the farm. Can you say it in simpler words?",
            "en",
            TextIntent.EXPLAIN,
        ),
    ],
)
def test_a_long_story_is_read_from_its_sentence_that_asks(
    text: str, language: str, meant: TextIntent
) -> None:
    assert read(text, language).intent == meant


@pytest.mark.parametrize(
    "text",
    [
        "J'ai annulé mon abonnement à la salle de sport hier, c'était trop cher pour moi. Je ne"
        " regrette rien, vraiment pas. Maintenant j'ai du temps libre le jeudi.",
        "My son cancelled his phone contract last week because it was too expensive. He doesn't"
        " use it anymore. I don't know why he did that, he's sixteen.",
    ],
)
def test_a_story_of_acts_done_elsewhere_acts_on_nothing(text: str) -> None:
    assert read(text).intent not in (TextIntent.CANCEL, TextIntent.STOP, TextIntent.FORGET)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Stop, I sent this by mistake, it was meant for my brother", "en"),
        ("stop, je me suis trompée de conversation, c'était pour mon fils", "fr"),
    ],
)
def test_a_message_sent_to_the_wrong_person_acts_on_nothing(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.UNKNOWN


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("No, my dad is keeping his seat, he'll come after all", "en"),
        ("no, I can come after all", "en"),
        ("hastaneye kaldırıldı ama iyileşti, gelecek", "tr"),
    ],
)
def test_a_no_followed_by_a_coming_cancels_nothing(text: str, language: str) -> None:
    assert read(text, language).intent not in (TextIntent.CANCEL, TextIntent.FORGET)


def test_a_booking_made_by_mistake_is_still_cancelled() -> None:
    assert read("j'ai réservé par erreur, annulez ma place svp", "fr").intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [("numéro 4 inchallah", "fr", 4), ("غاناخد الرقم جوج", "ar", 2)],
)
def test_a_choice_with_a_blessing_or_in_the_future_is_the_choice(
    text: str, language: str, number: int
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


def test_a_count_of_people_after_a_question_about_seats_picks_nothing() -> None:
    text = "is there still a seat for the video call workshop? we will be 2"
    assert read(text, "en").intent != TextIntent.NUMBER

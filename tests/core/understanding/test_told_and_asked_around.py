"""Kinds that recur across writers who never saw the project: another service's account or
contract erased or cancelled, reminders stopped by someone still coming, the language the
classes are given in, and a workshop already attended told of."""

from __future__ import annotations

import pytest

from core.understanding.intents import read
from core.understanding.reading import ACTING, TextIntent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("effacez mon compte snapchat svp je m'en sers plus", "fr"),
        ("je dois supprimer le profil facebook de ma tante", "fr"),
        ("please delete my instagram, i can't find the button", "en"),
        ("instagram hesabimi silin nasil yapilir bilmiyorum", "tr"),
        ("bghit nmse7 le compte facebook dyal khti", "ar"),
        ("بغيت نلغي الاشتراك ديال انوي", "ar"),
        ("annule mon forfait sfr j'en ai marre", "fr"),
        ("cancel the broadband contract, we're moving", "en"),
    ],
)
def test_an_act_on_another_service_acts_on_nothing_here(text: str, language: str) -> None:
    assert read(text, language).intent not in ACTING


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("stop les sms mais gardez ma place", "fr"),
        ("no more texts please but i'm coming on friday", "en"),
        ("hatirlatma mesaji atmayin ama kursa gelecegim", "tr"),
    ],
)
def test_reminders_stopped_by_someone_still_coming_are_a_stop(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.STOP


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("est-ce que le prof parle arabe ?", "fr"),
        ("does the trainer speak arabic?", "en"),
        ("hocalar ingilizce konusuyor mu", "tr"),
        ("واش المدرب كيهضر بالعربية؟", "ar"),
    ],
)
def test_the_language_of_the_classes_is_a_practical_question(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.HELP


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("écris-moi en arabe s'il te plaît", "fr"),
        ("can you text me in turkish", "en"),
    ],
)
def test_a_wish_for_another_language_still_changes_it(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.LANGUAGE


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("j'ai fait l'atelier tablette en novembre, depuis je fais mes courses en ligne", "fr"),
        ("enjoyed the video call class, my grandson was so proud", "en"),
        ("geçen ay e-posta kursuna katıldım, şimdi kendim yazıyorum", "tr"),
        ("درت الورشة ديال التلفون الشهر اللي فات، دابا كنصيفط الصور", "ar"),
    ],
)
def test_a_workshop_attended_told_of_asks_for_none(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.UNKNOWN


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("j'ai fait l'atelier mail, je voudrais m'inscrire à celui sur les papiers", "fr"),
        ("loved the scams class, i want to sign up for the next one on passwords", "en"),
    ],
)
def test_a_workshop_attended_then_another_asked_for_is_still_asked(
    text: str, language: str
) -> None:
    assert read(text, language).intent in (TextIntent.SESSION, TextIntent.WORKSHOPS)


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("le 4 mon frérot", "fr", 4),
        ("numéro 2 pour mon oncle", "fr", 2),
        ("number 3 for my nan", "en", 3),
        ("2 babam için", "tr", 2),
        ("raqam 1 3afak", "ar", 1),
    ],
)
def test_a_choice_made_for_someone_close_is_still_a_choice(
    text: str, language: str, number: int
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("l'atelier était top, je mets 9/10", "fr"),
        ("abla ben 3. kata çıktım, annemlere söyle", "tr"),
        ("2 places pour ma mère et moi", "fr"),
    ],
)
def test_a_mark_a_floor_or_a_count_chooses_nothing(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.NUMBER


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("vous pouvez me renvoyer le programme ?", "fr"),
        ("resend the timetable please", "en"),
        ("programı tekrar gönderir misiniz", "tr"),
        ("3awed sift lia la liste", "ar"),
    ],
)
def test_the_list_sent_again_is_the_workshops(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.WORKSHOPS


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je suis sur la liste pour jeudi ?", "fr"),
        ("renvoyez-moi les rappels comme avant", "fr"),
    ],
)
def test_being_on_the_list_or_the_reminders_back_are_not_the_workshops(
    text: str, language: str
) -> None:
    assert read(text, language).intent != TextIntent.WORKSHOPS


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("c'est pour ma mère, elle est à l'hôpital, elle pourra pas venir vendredi", "fr"),
        ("my wife won't be able to come on thursday, she's in hospital", "en"),
        ("babam perşembe gelemeyecek, ameliyat oldu", "tr"),
    ],
)
def test_someone_close_who_cannot_come_gives_up_the_seat_here(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ma fille ne pourra pas venir à l'anniversaire de sa copine", "fr"),
        ("my son can't come to the wedding on saturday", "en"),
        ("annem nişana gelemeyecek", "tr"),
    ],
)
def test_someone_close_missing_another_event_gives_up_nothing(text: str, language: str) -> None:
    assert read(text, language).intent not in ACTING


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("3afak tmss7o ga3 les infos dyali", "ar"),
        ("fassa5 le compte mte3i", "ar"),
    ],
)
def test_darija_erase_verbs_on_ones_data_erase(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.FORGET


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ma tmss7och les infos dyali", "ar"),
        ("ما تشيلوش الرقم ديالي", "ar"),
    ],
)
def test_darija_erase_verbs_negated_erase_nothing(text: str, language: str) -> None:
    assert read(text, language).intent not in ACTING


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("la préfecture voit que je viens chez vous ?", "fr"),
        ("does the council get told that i signed up?", "en"),
        ("polis buraya geldiğimi görüyor mu", "tr"),
        ("est-ce que vous enregistrez nos conversations ?", "fr"),
        ("are the calls recorded?", "en"),
        ("mesajlarımızı kaydediyor musunuz", "tr"),
    ],
)
def test_whether_an_authority_sees_or_talk_is_recorded_asks_about_data(
    text: str, language: str
) -> None:
    assert read(text, language).intent == TextIntent.PRIVACY


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can i see someone from the council here?", "en"),
        ("comment enregistrer un appel sur mon téléphone ?", "fr"),
    ],
)
def test_seeing_an_authority_or_recording_how_to_is_no_data_question(
    text: str, language: str
) -> None:
    assert read(text, language).intent != TextIntent.PRIVACY


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("grâce à l'atelier j'ai rempli ma demande de retraite en ligne", "fr"),
        ("after the class my mum sends voice notes every day", "en"),
        ("kurstan sonra kendi e-postamı açtım", "tr"),
    ],
)
def test_what_was_done_after_a_workshop_asks_for_none(text: str, language: str) -> None:
    assert read(text, language).intent not in (TextIntent.SESSION, TextIntent.WORKSHOPS)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("j'ai réservé l'hôtel pour les vacances toute seule", "fr"),
        ("i booked my flight online by myself!", "en"),
    ],
)
def test_a_booking_made_elsewhere_is_not_ones_bookings_here(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.MY_BOOKINGS


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("khti lghat l'inscription dyalha, mrida", "ar"),
        ("جارتي لغات الحجز ديالها", "ar"),
    ],
)
def test_a_cancel_told_of_a_woman_close_cancels_nothing(text: str, language: str) -> None:
    assert read(text, language).intent not in ACTING


def test_an_hour_with_a_turkish_suffix_chooses_nothing() -> None:
    assert read("9:45te geldim ama kapı kapalıydı, sonra açtılar", "tr").intent != TextIntent.NUMBER

"""Understanding people in their own words: the held-out corpus, the rules, the safety policy.

The held-out part (data/intents/intents_heldout11.csv, 400 messages written fresh by a writer who
read neither the code nor the other files) is never used to build the recogniser:
``tools.train_intents`` reads only data/intents/intents_train.csv, and no rule was written after
reading it. Earlier held-out parts, once measured blind and studied, were folded into the
training part.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from core.seats.unread import scrub
from core.understanding import classifier
from core.understanding.intents import TextIntent, read
from core.understanding.negation import acting_word_negated, conditional
from core.understanding.normalising import normalise
from core.understanding.numbers import choice_number
from tools.train_intents import CORPUS as DATA
from tools.train_intents import TRAINING, fingerprint

TARGET = 0.95
FLOOR = 0.85
HELD_OUT = ("intents_heldout11.csv",)
"""Measured held-out accuracy stays above this; the target is TARGET (see test below)."""
DANGEROUS = {"yes", "cancel", "forget"}


def corpus(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def right(row: dict[str, str]) -> bool:
    reading = read(row["text"], row["language"])
    if reading.intent.value != row["intent"]:
        return False
    return row["intent"] != "number" or str(reading.number) == row["number"]


def dangerous(row: dict[str, str]) -> bool:
    """Read as yes, cancel, erase or choice 1 when it is none of these."""
    reading = read(row["text"], row["language"])
    got = reading.intent.value
    if got in DANGEROUS and got != row["intent"]:
        return True
    wanted_one = row["intent"] == "number" and row["number"] == "1"
    return got == "number" and reading.number == 1 and not wanted_one


def accuracy_by(rows: list[dict[str, str]], key: str) -> dict[str, float]:
    total, good = Counter(r[key] for r in rows), Counter(r[key] for r in rows if right(r))
    return {name: good[name] / total[name] for name in sorted(total)}


def test_the_corpus_has_2000_messages_in_four_languages() -> None:
    held_out = [row for name in HELD_OUT for row in corpus(name)]
    rows = corpus("intents_train.csv") + held_out
    sizes = Counter(r["language"] for r in rows)
    print(f"\ncorpus: {len(rows)} messages, {dict(sizes)}; held out: {len(held_out)}")
    assert len(rows) >= 2000
    assert set(sizes) == {"fr", "en", "ar", "tr"}
    # Its writer wrote some everyday messages ("Bonjour", "ok merci") exactly as others did;
    # the rest, most of it, is found in no other file.
    train = {r["text"] for r in corpus("intents_train.csv")}
    assert sum(r["text"] in train for r in held_out) < len(held_out) / 2


def test_the_shipped_model_is_built_from_the_current_training_part() -> None:
    assert classifier.shipped().trained_on == fingerprint(TRAINING)


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out_accuracy_per_language_and_intent(name: str) -> None:
    rows = corpus(name)
    overall = sum(map(right, rows)) / len(rows)
    print(f"\n{name}: {overall:.1%} of {len(rows)}")
    print("per language:", {k: f"{v:.0%}" for k, v in accuracy_by(rows, "language").items()})
    print("per intent:", {k: f"{v:.0%}" for k, v in accuracy_by(rows, "intent").items()})
    assert overall >= FLOOR
    assert all(value >= 0.75 for value in accuracy_by(rows, "language").values())


def test_held_out_accuracy_reaches_the_target() -> None:
    rows = [row for name in HELD_OUT for row in corpus(name)]
    assert sum(map(right, rows)) / len(rows) >= TARGET


def test_held_out_messages_found_in_no_other_file_are_read_right_too() -> None:
    train = {r["text"] for r in corpus("intents_train.csv")}
    unseen = [row for name in HELD_OUT for row in corpus(name) if row["text"] not in train]
    accuracy = sum(map(right, unseen)) / len(unseen)
    print(f"\nheld out, found in no other file: {accuracy:.1%} of {len(unseen)}")
    assert accuracy >= 0.9


@pytest.mark.parametrize("name", ["intents_train.csv", *HELD_OUT])
def test_no_dangerous_mistake(name: str) -> None:
    assert not [r["text"] for r in corpus(name) if dangerous(r)]


@pytest.mark.parametrize(
    ("text", "plain"),
    [("ANNULÉ", "annule"), ("ouiiiii", "oui"), ("j'peux pas", "j peux pas"),
     ("jveu m'inscrire", "je veux m inscrire"), ("slt cv", "salut ca va"),
     ("İptal", "iptal"), ("أريد إلغاء", "اريد الغاء"), ("٣", "3"), ("3afak", "3afak"),
     ("pls", "please"), ("👍", "ok")],
)  # fmt: skip
def test_normalisation(text: str, plain: str) -> None:
    assert normalise(text) == plain


@pytest.mark.parametrize(
    ("text", "negated"),
    [("n'annulez pas", True), ("je ne veux pas annuler", True), ("pas besoin d'annuler", True),
     ("j'ai pas envie d'annuler", True), ("don't cancel", True), ("i do not want to cancel", True),
     ("iptal etmeyin", True), ("verilerimi silme", True), ("لا تلغي", True),
     ("ma bghitch nlghi", True), ("matlghich", True), ("n'effacez pas mes données", True),
     ("annuler", False), ("je veux annuler, je ne peux pas venir", False),
     ("je ne peux plus venir, annulez", False), ("iptal et", False), ("الغاء الحجز", False),
     ("bghit nlghi", False), ("cancel my seat", False)],
)  # fmt: skip
def test_negation_scope(text: str, negated: bool) -> None:
    assert acting_word_negated(normalise(text).split()) is negated


@pytest.mark.parametrize(
    ("text", "number"),
    [("3 stp", 3), ("le troisième", 3), ("la deuxième", 2), ("2", 2), ("numéro 4 svp", 4),
     ("the second one", 2), ("ikinci", 2), ("üçüncüsü", 3), ("الثاني", 2), ("jouj", 2),
     ("une minute", None), ("2 personnes", None), ("j'ai 2 enfants", None), ("à 14h", None),
     ("0612345678", None), ("un atelier", None), ("bir dakika", None), ("le 2 et le 3", None)],
)  # fmt: skip
def test_choice_numbers(text: str, number: int | None) -> None:
    assert choice_number(normalise(text).split()) == number


@pytest.mark.parametrize(
    ("text", "intent"),
    [("n'effacez pas mes données", "no"), ("je viendrai pas finalement", "cancel"),
     ("je m'inscris", "workshops"), ("merci", "unknown"), ("merci beaucoup", "unknown"),
     ("ouistiti", "unknown"), ("okapi", "unknown"), ("yep", "yes"), ("okay", "yes"),
     ("non c bon", "no"), ("slt cv", "menu"), ("sign me up", "workshops"),
     ("i can't make it", "cancel"), ("arrêtez les sms", "stop"), ("plus de sms svp", "stop"),
     ("STOP", "stop"), ("START", "start"), ("?", "explain"), ("", "unknown"),
     ("je viens", "yes"), ("forget it", "no"), ("see ya", "unknown"), ("hi there", "menu"),
     ("désinscription des sms", "stop"), ("c'est tout bon", "yes"),
     ("j'ai pas dit annuler", "no"), ("no need to cancel", "no")],
)  # fmt: skip
def test_readings(text: str, intent: str) -> None:
    assert read(text, "fr").intent == TextIntent(intent)


@pytest.mark.parametrize(
    "text",
    [
        "si j'annule, je peux me réinscrire ?",
        "comment annuler ?",
        "how do i cancel?",
        "if i cancel can i come back later",
        "iptal edersem ne olur",
        "اذا الغيت الحجز؟",
    ],
)
def test_a_question_or_condition_about_cancelling_is_never_a_cancel(text: str) -> None:
    reading = read(text)
    assert reading.intent != TextIntent.CANCEL
    assert reading.intent in (TextIntent.HELP, TextIntent.UNKNOWN, TextIntent.NO)


@pytest.mark.parametrize(
    "text",
    ["je viens", "je viendrai", "geleceğim", "ghadi nji", "j'y serai", "je vais réfléchir",
     "ma place", "séances disponibles", "je veux participer", "forget it", "on oublie"],
)  # fmt: skip
def test_what_looks_like_cancel_or_erase_but_says_neither_is_not_read_so(text: str) -> None:
    assert read(text).intent not in (TextIntent.CANCEL, TextIntent.FORGET)


def test_conditionals() -> None:
    assert conditional(normalise("si je ne viens pas").split())
    assert conditional(normalise("gelemezsem").split())
    assert not conditional(normalise("oui s'il vous plaît").split())


def test_scrubbing_keeps_no_number_mail_or_name() -> None:
    text = scrub("Moi c'est Fatima Benali, 06 12 34 56 78, fatima@mail.fr, code 12345", "Fatima B")
    assert "06" not in text
    assert "12345" not in text
    assert "@" not in text
    assert "Fatima" not in text


@pytest.mark.parametrize(
    ("text", "language"),
    [("c'est quand mon atelier ?", "fr"), ("je suis bien inscrite ?", "fr"),
     ("am i booked for friday?", "en"), ("what time is my class", "en"),
     ("imta l'atelier dyali", "ar"), ("wach ana msjel", "ar"), ("فوقاش خاصني نجي", "ar"),
     ("randevum ne zaman", "tr"), ("kayıtlı mıyım", "tr")],
)  # fmt: skip
def test_questions_about_ones_own_booking(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.MY_BOOKINGS


@pytest.mark.parametrize(
    "text",
    ["comment annuler ma place ?", "si je suis inscrite, je peux venir avec ma fille ?",
     "où se passe l'atelier ?", "can i come without a phone?"],
)  # fmt: skip
def test_how_where_and_if_are_no_questions_about_ones_own_booking(text: str) -> None:
    assert read(text).intent != TextIntent.MY_BOOKINGS


@pytest.mark.parametrize(
    ("text", "intent"),
    [("ok super", "yes"), ("evet tabii", "yes"), ("wakha", "yes"), ("طبعا", "yes"),
     ("non merci", "no"), ("nope", "no"), ("oui ?", "unknown"), ("merci", "unknown"),
     ("je serai absente", "cancel"), ("beni unut", "forget"),
     ("laissez-moi tranquille", "stop")],
)  # fmt: skip
def test_short_answers_and_look_alikes(text: str, intent: str) -> None:
    assert read(text).intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "plain"),
    [("fou9ach", "fo9ach"), ("kifash", "kifach"), ("diali", "dyali"), ("nqderch", "n9derch"),
     ("gelcem", "gelecegim"), ("tmrw", "tomorrow"), ("koman", "comment")],
)  # fmt: skip
def test_more_sms_and_darija_spellings(text: str, plain: str) -> None:
    assert normalise(text) == plain


@pytest.mark.parametrize(
    ("text", "language"),
    [("comment supprimer mes données ?", "fr"), ("how do i delete my data?", "en"),
     ("si j'efface mes données, je perds ma place ?", "fr"), ("verilerimi nasıl silerim?", "tr")],
)  # fmt: skip
def test_a_question_about_erasing_opens_the_privacy_notice_and_erases_nothing(
    text: str, language: str
) -> None:
    assert read(text, language).intent == TextIntent.PRIVACY


@pytest.mark.parametrize(
    ("text", "language"),
    [("n'annulez pas ma place, je veux juste savoir l'heure", "fr"),
     ("don't cancel it, i only want to check the time", "en"),
     ("iptal etmeyin, sadece saati öğrenmek istiyorum", "tr")],
)  # fmt: skip
def test_a_negated_cancel_beside_a_question_shows_the_booking(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.MY_BOOKINGS


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [("ouaiis", "fr", "yes"), ("wé", "fr", "yes"), ("ouaip", "fr", "yes"), ("okok", "en", "yes"),
     ("la2", "ar", "no"), ("sans façon", "fr", "no"),
     ("c quoi le numéro de la boutique", "fr", "help"),
     ("what's the phone number of the shop", "en", "help"),
     ("mat7bsouch les sms", "ar", "no"), ("mesajları durdurmayın", "tr", "no")],
)  # fmt: skip
def test_more_ways_of_saying_yes_no_and_asking_the_shop(
    text: str, language: str, intent: str
) -> None:
    assert read(text, language).intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "number"),
    [("euh le 7 je crois", 7), ("je choisis la huitième proposition", 8),
     ("celui en numéro 9", 9), ("أريد السادسة", 6), ("العاشر", 10), ("i'd take row 4", 4)],
)  # fmt: skip
def test_choice_numbers_with_hedges_and_arabic_ordinals(text: str, number: int) -> None:
    assert choice_number(normalise(text).split()) == number


@pytest.mark.parametrize(
    "text",
    ["so sorry to bother you, my shift got moved and i won't be able to make it, please cancel",
     "désolée de vous déranger, je ne pourrai pas venir jeudi, annulez ma place svp"],
)  # fmt: skip
def test_an_apology_for_disturbing_is_not_a_request_to_stop_messages(text: str) -> None:
    reading = read(text)
    assert reading.intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("j'ai annulé mon rendez-vous chez le médecin", "fr"),
     ("I cancelled my gym membership today", "en"), ("doktor randevumu iptal ettim", "tr"),
     ("ألغيت موعدي عند الطبيب", "ar"), ("j'ai annulé mon abonnement Netflix", "fr")],
)  # fmt: skip
def test_an_act_told_as_done_elsewhere_is_not_a_request(text: str, language: str) -> None:
    assert read(text, language).intent not in (TextIntent.CANCEL, TextIntent.STOP)


@pytest.mark.parametrize(
    ("text", "language"),
    [("désinscrivez-moi de l'atelier WhatsApp svp", "fr"),
     ("أرجو التكرم بإلغاء تسجيلي في ورشة البريد الإلكتروني", "ar"),
     ("j'avais réservé le cours sur les arnaques mais je vais pas pouvoir venir", "fr"),
     ("m9dertch nji nhar sebt, 3tiw blasti l chi wa7ed", "ar")],
)  # fmt: skip
def test_a_clear_cancel_beside_a_workshop_topic_is_a_cancel(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language"),
    [("si je m'inscris à l'atelier WhatsApp, je peux annuler ?", "fr"),
     ("je ne pourrai pas venir à l'heure, je serai en retard à l'atelier", "fr")],
)  # fmt: skip
def test_no_cancel_for_a_condition_or_a_late_coming(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language", "past"),
    [("j'ai pas pu venir au cours hier, j'étais malade", "fr", True),
     ("I couldn't come yesterday, sorry", "en", True),
     ("ما قدرتش نجي البارح، كنت مريضة", "ar", True),
     ("dün gelemedim hastaydım", "tr", True),
     ("je ne pourrai pas venir jeudi, mon petit dernier est malade", "fr", False),
     ("I can't come tomorrow", "en", False), ("ما نقدرش نجي غدا", "ar", False),
     ("yarın gelemiyorum", "tr", False)],
)  # fmt: skip
def test_an_absence_already_past_gives_no_seat_back(text: str, language: str, past: bool) -> None:
    assert (read(text, language).intent == TextIntent.CANCEL) is not past


LONG_STORY = (
    "Bonjour, alors voilà, je vous écris parce que ma fille est venue me voir ce week-end avec"
    " les petits, on a fait un grand repas, et puis mon voisin du troisième est passé pour"
    " réparer la fuite sous l'évier, bref la semaine a été très chargée, et en plus ma voiture"
    " est au garage depuis lundi, le garagiste dit qu'il faut changer l'embrayage, alors je ne"
    " pourrai pas venir jeudi, je voudrais annuler ma place"
)


def test_a_request_at_the_end_of_a_long_story_is_read() -> None:
    # over 300 characters, someone else's words in the middle, the request in the person's own
    assert len(LONG_STORY) > 400
    assert read(LONG_STORY, "fr").intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    "text",
    ["ma voisine m'a dit, annule ta place", "ma voisine m'a dit d'annuler",
     "my neighbour told me to cancel but i will come anyway"],
)  # fmt: skip
def test_someone_elses_words_still_never_act(text: str) -> None:
    assert read(text, "fr").intent not in (TextIntent.CANCEL, TextIntent.YES)


@pytest.mark.parametrize(
    ("text", "language"),
    [("I have to work saturday so I'm out, give my place to someone else inshallah", "en"),
     ("Pas possible moi venir samedi, donnez ma place autre personne", "fr")],
)  # fmt: skip
def test_a_seat_given_back_is_a_cancel_even_with_a_hedge_beside_it(
    text: str, language: str
) -> None:
    assert read(text, language).intent == TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [("vous êtes ouverts à quelle heure le samedi", "fr", "help"),
     ("what are your opening hours", "en", "help"), ("kaçta açıyorsunuz", "tr", "help"),
     ("il faut ramener son téléphone ?", "fr", "help"), ("c'est gratuit ?", "fr", "help"),
     ("il y a des ateliers gratuits ?", "fr", "workshops"),
     ("hi, i got your number from the shop", "en", "menu")],
)  # fmt: skip
def test_practical_questions_ask_for_help(text: str, language: str, intent: str) -> None:
    assert read(text, language).intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "language"),
    [("how long do you store my number", "en"), ("هل رقم هاتفي محمي؟", "ar"),
     ("telefon numaram ne için kullanılıyor", "tr"), ("ماذا تفعلون برقم هاتفي؟", "ar"),
     ("est-ce que vous effacez mes infos après l'atelier ?", "fr")],
)  # fmt: skip
def test_questions_about_ones_data_open_the_privacy_notice(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.PRIVACY


@pytest.mark.parametrize(
    ("text", "language"),
    [("jveu faire le truc sur le CV et la recherche d'emploi", "fr"),
     ("I want the Canva one", "en"), ("بغيت الورشة ديال الواتساب", "ar"),
     ("bonjour, CV hazırlama atölyesine katılmak istiyorum", "tr"),
     ("coding class for my 8 year old", "en")],
)  # fmt: skip
def test_a_workshop_topic_named_in_everyday_words_asks_for_that_workshop(
    text: str, language: str
) -> None:
    assert read(text, language).intent == TextIntent.SESSION


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [("je voudrais parler à une vraie personne svp pas un robot", "fr", "help"),
     ("slt cv", "fr", "menu"), ("oops yes that text was meant for my daughter, ignore it", "en",
     "unknown"), ("Bonjour, je viens d'avoir une tablette, avez-vous un cours ?", "fr",
     "session")],
)  # fmt: skip
def test_look_alikes_of_topics_greetings_and_yes(text: str, language: str, intent: str) -> None:
    assert read(text, language).intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [("je voulais pas dire 3, je voulais dire 4", "fr", 4),
     ("sorry typo, I meant 2 not 3", "en", 2),
     ("yanlışlıkla yazdım, 2 değil 3", "tr", 3), ("lkhamsa", "ar", 5), ("euh le un", "fr", 1),
     ("le troisième s'il vous plaît, celui du mardi", "fr", 3),
     ("the first one, the morning one", "en", 1), ("ناخد الثالثة ديال الصباح", "ar", 3)],
)  # fmt: skip
def test_corrections_qualifiers_and_articles_around_a_choice(
    text: str, language: str, number: int
) -> None:
    reading = read(text, language)
    assert (reading.intent, reading.number) == (TextIntent.NUMBER, number)


@pytest.mark.parametrize("text", ["j'ai 2 enfants pas 3", "lone", "2 ou 3 personnes"])
def test_what_only_looks_like_a_choice_is_none(text: str) -> None:
    assert read(text).intent != TextIntent.NUMBER


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [("3awni 3afak ma fhmtch kifach nreservi", "ar", "help"),
     ("ممكن بالعربية؟ ما كنفهمش الفرنسية مزيان", "ar", "language"),
     ("yanimda ne getirmem lazim", "tr", "help"),
     ("hatırlatma için yazıyorum, çocuğum hasta, gelemeyeceğiz", "tr", "cancel"),
     ("kaydımı silin e-posta atölyesinden", "tr", "cancel"),
     ("خويا غادي يسافر، لغي ليه البلاصة ديالو فالورشة", "ar", "cancel"),
     ("pourquoi vous avez besoin de mon nom", "fr", "privacy")],
)  # fmt: skip
def test_how_to_another_language_a_reminder_and_a_seat_erased(
    text: str, language: str, intent: str
) -> None:
    assert read(text, language).intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [("Vous voulez bien supprimer ma réservation pour l'atelier CV ?", "fr", "cancel"),
     ("Is it possible to remove everything you know about me? I want it all gone.", "en",
      "forget"),
     ("هل يمكنكم إلغاء حجزي ليوم الخميس؟ طرأ لي ظرف", "ar", "cancel"),
     ("Bana SMS göndermeyi bırakabilir misiniz?", "tr", "stop"),
     ("comment annuler ?", "fr", "help")],
)  # fmt: skip
def test_a_request_asked_as_a_question_is_the_request(
    text: str, language: str, intent: str
) -> None:
    assert read(text, language).intent == TextIntent(intent)


@pytest.mark.parametrize(
    ("text", "yes"),
    [("Oui c'est ça, vous pouvez valider ?", True), ("Yeah, why not?", True),
     ("إيه نأكد، تحب حاجة أخرى؟", True), ("oui ?", False), ("ok, c'est où ?", False),
     ("oui, c'est quand ?", False), ("oui, pourquoi ?", False), ("oui, c'est payant ?", False),
     ("yes, is it free?", False), ("d'accord, c'est demain ?", False)],
)  # fmt: skip
def test_a_yes_then_a_question_of_its_own_is_a_yes(text: str, yes: bool) -> None:
    assert (read(text).intent == TextIntent.YES) is yes


@pytest.mark.parametrize(
    ("text", "stop"),
    [("STOP STOP PLUS DE MESSAGES", True), ("STOP ARTIK MESAJ İSTEMİYORUM SİZDEN", True),
     ("STOP au harcèlement scolaire ! Partagez ce message à 10 contacts", False),
     ("merci, à plus", False)],
)  # fmt: skip
def test_the_keyword_first_then_words_about_the_messages_is_a_stop(text: str, stop: bool) -> None:
    assert (read(text).intent == TextIntent.STOP) is stop


@pytest.mark.parametrize(
    ("text", "language"),
    [("khti lghat l'inscription dyalha, mrida", "ar"), ("ma soeur a annulé sa place", "fr"),
     ("my wife has cancelled hers already", "en"), ("kızım kaydını iptal etti", "tr")],
)  # fmt: skip
def test_an_act_someone_else_has_done_acts_on_nothing(text: str, language: str) -> None:
    assert read(text, language).intent not in (TextIntent.CANCEL, TextIntent.FORGET)


@pytest.mark.parametrize("text", ["oui mais non", "yes but no", "evet ama hayır"])
def test_a_yes_taken_back_by_a_no_is_a_no(text: str) -> None:
    assert read(text).intent == TextIntent.NO


@pytest.mark.parametrize(
    ("text", "language", "never"),
    [("binti bghatni n7ayed ra9mi mn 3ndkom, walakin ana bghit nb9a", "ar", "forget"),
     ("بدلتو الوقت ديال الورشة، هادشي ماشي معقول، حيدوني", "ar", "forget"),
     ("Yes, Dad agrees with the doctor that he should rest", "en", "yes"),
     ("Hayri bey gelecek", "tr", "no")],
)  # fmt: skip
def test_what_someone_else_wants_or_a_name_is_no_act_of_the_person(
    text: str, language: str, never: str
) -> None:
    assert read(text, language).intent != TextIntent(never)


def test_remove_me_from_the_file_is_an_erase() -> None:
    assert read("حيدوني من الفيشي نهائيا", "ar").intent == TextIntent.FORGET

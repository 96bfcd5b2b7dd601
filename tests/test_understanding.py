"""Understanding people in their own words: the held-out corpus, the rules, the safety policy.

The held-out part (tests/data/intents_heldout6.csv, written fresh with other phrasings, none
found in the training part) is never used to build the classifier: ``core.train_intents``
reads only tests/data/intents_train.csv. Earlier held-out parts, once measured and studied,
were folded into the training part.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from core import classifier
from core.intents import TextIntent, read
from core.negation import acting_word_negated, conditional
from core.normalising import normalise
from core.numbers import choice_number
from core.train_intents import TRAINING, fingerprint
from core.unread import scrub
from tests.support.factories import DATA

TARGET = 0.95
FLOOR = 0.85
HELD_OUT = ("intents_heldout6.csv",)
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
    train = {r["text"] for r in corpus("intents_train.csv")}
    assert not [r["text"] for r in held_out if r["text"] in train]


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


@pytest.mark.xfail(reason="held-out accuracy is below the 95 % target", strict=True)
def test_held_out_accuracy_reaches_the_target() -> None:
    rows = [row for name in HELD_OUT for row in corpus(name)]
    assert sum(map(right, rows)) / len(rows) >= TARGET


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

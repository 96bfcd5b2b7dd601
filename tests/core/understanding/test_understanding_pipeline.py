"""The reading as a named pipeline: each component decides what it is named for, and says so.

The safety rules and corrections are tried with a classifier of fixed probabilities, so that
each one is shown deciding whatever the shipped model would have proposed; the first steps
and the shipped classifier itself are tried as they ship. ``atelier understand --explain``
prints the name of the component that decided each reading.
"""

from __future__ import annotations

import io
import json
import math
import sys

import pytest

from bot.cli import main
from core.understanding import classifier
from core.understanding.intents import COMPONENTS, read
from core.understanding.pipeline import CLASSIFIER, FIRST, unsure
from core.understanding.thresholds import ENOUGH, SURE, SURE_YES

SHIPPED = classifier.shipped()


def fixed(probabilities: dict[str, float], extra: tuple[str, ...] = ()) -> classifier.LinearModel:
    """A classifier that sees these probabilities in every message (the rest shared out)."""
    classes = (*SHIPPED.classes, *extra)
    rest = (1 - sum(probabilities.values())) / (len(classes) - len(probabilities))
    logits = tuple(math.log(probabilities.get(name, rest)) for name in classes)
    return classifier.LinearModel(classes, logits, {})


FIRST_STEPS = [
    # (component, message, intent, number)
    ("empty", "   ", "unknown", None),
    ("question_marks", "؟ ?", "explain", None),
    ("command", "/annuler", "cancel", None),
    ("normalise", "😂", "unknown", None),
    ("number", "la deuxième", "number", 2),
    ("only_formulas", "Madame, Monsieur,", "unknown", None),
    ("short_answer", "ok super", "yes", None),
    ("changed_mind", "non attendez, oui c'est bon", "yes", None),
    ("hesitation", "euh hum", "unknown", None),
    (CLASSIFIER, "bonjour", "menu", None),
]

RULES = [
    # (component, message, what the classifier proposes, the reading's intent)
    (
        "act_for_someone_close",
        "nous annulons la place de mamie",
        {"unknown": 0.5, "cancel": ENOUGH + 0.05},
        "cancel",
    ),
    (
        "yes_for_someone_close",
        "je confirme au nom de ma mère",
        {"unknown": 0.5, "yes": ENOUGH + 0.05},
        "yes",
    ),
    ("too_unsure", "annuler", {"cancel": ENOUGH - 0.05}, "unknown"),
    ("stop_messages", "désinscrivez-moi des sms", {"cancel": 0.9}, "stop"),
    ("stops_something_else", "stop saying it's easy", {"stop": 0.9}, "unknown"),
    ("stop_to_someone", "stop maman tu me fais rire", {"stop": 0.9}, "unknown"),
    ("forgot_booking", "je ne me souviens plus de l'heure", {"cancel": 0.9}, "my_bookings"),
    ("erase_data", "supprimez mes données", {"cancel": 0.9}, "forget"),
    ("negation", "n'annulez pas", {"cancel": 0.9}, "no"),
    ("question_or_condition", "comment annuler ?", {"cancel": 0.9}, "help"),
    ("stop_asked_in_words", "ايقاف الرسائل", {"stop": SURE - 0.05}, "stop"),
    ("erase_asked_in_words", "effacez mes données", {"privacy": 0.9}, "forget"),
    ("unsure_act", "annuler", {"cancel": SURE - 0.05}, "unknown"),
    ("implausible_act", "je viens", {"cancel": 0.9}, "unknown"),
    ("stop_keyword", "STOP lol", {"stop": SURE - 0.05}, "stop"),
    ("thanks_only", "merci beaucoup", {"yes": 0.9}, "unknown"),
    ("farewell", "oui bonne journée", {"yes": 0.9}, "unknown"),
    ("no_yes_word", "ouistiti", {"yes": 0.9}, "unknown"),
    ("not_for_us", "oui désolé wrong number", {"yes": 0.9}, "unknown"),
    ("yes_to_someone", "oui papa je rentre", {"yes": 0.9}, "unknown"),
    ("brings_company", "je viendrai avec mes enfants", {"yes": 0.9}, "unknown"),
    ("not_coming", "je serai absente", {"yes": 0.9}, "no"),
    ("person_sends", "je voudrais envoyer un message à ma fille", {"start": 0.9}, "unknown"),
    ("unsure_yes", "d'accord je viendrai", {"yes": SURE_YES - 0.05}, "unknown"),
    ("asked_yes", "d'accord je viendrai ?", {"yes": 0.9}, "unknown"),
    ("done_elsewhere", "j'ai annulé chez le médecin", {"cancel": 0.9}, "unknown"),
    ("list_again", "renvoyez-moi la liste", {"start": 0.9}, "workshops"),
    ("continues_sending", "continuez à m'envoyer les rappels", {"stop": 0.9}, "start"),
    (
        "cancels_our_booking",
        "désinscrivez-moi de l'atelier whatsapp",
        {"session": 0.6, "cancel": 0.2},
        "cancel",
    ),
    ("language_of_classes", "la formatrice parle turc ?", {"language": 0.9}, "help"),
    ("other_language", "je comprends pas le français", {"menu": 0.9}, "language"),
    (
        "topic_not_understood",
        "france connect je comprends pas, c'est un atelier ?",
        {"menu": 0.9},
        "session",
    ),
    ("how_not_understood", "je comprends pas comment réserver", {"menu": 0.9}, "help"),
    ("not_understood", "je comprends pas", {"menu": 0.9}, "explain"),
    (
        "just_wants_to_know",
        "n'annulez pas, je veux juste savoir l'heure",
        {"no": 0.9},
        "my_bookings",
    ),
    ("about_data", "vous gardez mes données ?", {"menu": 0.9}, "privacy"),
    ("practical_question", "c'est gratuit ?", {"menu": 0.9}, "help"),
    ("own_booking", "c'est à quelle heure mon atelier ?", {"menu": 0.9}, "my_bookings"),
    ("opinion", "apprendre excel c'est une perte de temps", {"session": 0.9}, "unknown"),
    ("names_topic", "le truc sur le CV", {"menu": 0.9}, "session"),
    ("formal_answer", "Madame, la réponse est non. Cordialement.", {"unknown": 0.9}, "no"),
    ("reported", "ma voisine m'a dit d'annuler", {"cancel": 0.9}, "unknown"),
    ("hedged_yes", "oui inchallah", {"yes": 0.9}, "unknown"),
]

CLAUSES = [
    # (component, message, language, the reading's intent), read by the shipped classifier
    (
        "clause_request",
        "le tram ne marche pas aujourd'hui, je préfère annuler ma place",
        "fr",
        "cancel",
    ),
    ("clause_request", "non je ne viendrai plus, supprimez mes données", "fr", "forget"),
    ("reported", "my neighbour told me to cancel my place", "en", "unknown"),
    ("hedged_yes", "oui inchallah je viens", "fr", "unknown"),
    ("hedged_yes", "yes ok, if it's in the morning", "en", "unknown"),
    ("hedged_yes", "oui oui allô", "fr", "unknown"),
    ("taken_back", "je voulais annuler mais finalement oui je viens", "fr", "unknown"),
    ("session_state", "l'atelier de jeudi a été annulé ?", "fr", "my_bookings"),
    ("session_state", "atölye iptal mi edildi?", "tr", "my_bookings"),
    (
        "meant_elsewhere",
        "Reminder: your appointment at the dentist on Monday 9am. Reply C to cancel",
        "en",
        "unknown",
    ),
    ("meant_elsewhere", "Hocam, Elif yarın okula gelemeyecek, ateşi var", "tr", "unknown"),
    ("choice_in_clause", "je prends le deuxième, c'est le seul jour où je peux", "fr", "number"),
    ("named_choice", "Je souhaite retenir l'option 3 de votre liste", "fr", "number"),
    (
        "long_message",
        "Bon, ma fille est passée hier avec les petits, on a mangé dehors au jardin, il faisait"
        " beau pour une fois et le chien a couru partout. Vous pouvez m'écrire en arabe ?",
        "fr",
        "language",
    ),
]


@pytest.mark.parametrize(("component", "text", "intent", "number"), FIRST_STEPS)
def test_each_first_step_decides_what_it_is_named_for(
    component: str, text: str, intent: str, number: int | None
) -> None:
    reading = read(text, "fr")
    assert (reading.intent.value, reading.number, reading.by) == (intent, number, component)


@pytest.mark.parametrize(("component", "text", "proposed", "intent"), RULES)
def test_each_rule_decides_what_it_is_named_for(
    component: str, text: str, proposed: dict[str, float], intent: str
) -> None:
    reading = read(text, "fr", fixed(proposed))
    assert (reading.intent.value, reading.by) == (intent, component)
    assert reading.trail[0] == CLASSIFIER
    assert reading.trail[-1] == component


@pytest.mark.parametrize(("component", "text", "language", "intent"), CLAUSES)
def test_each_clause_step_decides_what_it_is_named_for(
    component: str, text: str, language: str, intent: str
) -> None:
    reading = read(text, language)
    assert (reading.intent.value, reading.by) == (intent, component)


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("je confrime", "fr", "yes"),
        ("anunler", "fr", "cancel"),
        ("suprimer mes donné", "fr", "forget"),
        ("je serai en retard, je ne pourrai pas venir à l'heure", "fr", "unknown"),
        ("annulez ma place, non je rigole", "fr", "no"),
        ("tout est conforme", "fr", "unknown"),
        ("is my class still on?", "en", "my_bookings"),
        ("si l'atelier est annulé, je peux venir un autre jour ?", "fr", "help"),
        ("please stop the texts, i don't need them", "en", "stop"),
        ("inchallah je viens", "fr", "unknown"),
    ],
)
def test_misspelt_key_words_and_clauses_that_take_back(
    text: str, language: str, intent: str
) -> None:
    assert read(text, language).intent.value == intent


def test_an_unsure_cancel_or_erase_is_asked_about_with_a_way_to_look_first() -> None:
    unsure_cancel = read("annuler", "fr", fixed({"cancel": 0.7, "my_bookings": 0.1}))
    assert unsure(unsure_cancel) == ("cancel", "my_bookings")
    sure_cancel = read("annuler", "fr", fixed({"cancel": 0.95}))
    assert unsure(sure_cancel) is None
    unsure_erase = read("supprimez mes données", "fr", fixed({"forget": 0.6}))
    assert unsure(unsure_erase) == ("forget", "privacy")
    close = read("mes ateliers", "fr", fixed({"my_bookings": 0.4, "workshops": 0.35}))
    assert unsure(close) == ("my_bookings", "workshops")
    clear = read("mes ateliers", "fr", fixed({"my_bookings": 0.8, "workshops": 0.05}))
    assert unsure(clear) is None
    assert unsure(read("2", "fr")) is None
    guessing = read("bof", "fr", fixed({"unknown": 0.3, "workshops": 0.25, "help": 0.22}))
    assert guessing.intent.value == "unknown"
    assert unsure(guessing) == ("workshops", "help")
    one_guess = read("bof", "fr", fixed({"unknown": 0.5, "workshops": 0.25}))
    assert unsure(one_guess) is None


def test_a_number_is_never_the_classifiers_guess() -> None:
    reading = read("bonjour", "fr", fixed({"number": 0.9}, extra=("number",)))
    assert (reading.intent.value, reading.by) == ("unknown", "number_by_rules_only")


def test_a_question_about_cancelling_keeps_what_it_is_about() -> None:
    reading = read("comment annuler ?", "fr", fixed({"cancel": 0.9}))
    assert reading.topic == "cancel"


def test_a_yes_ruled_out_leaves_the_runner_up_or_a_no() -> None:
    reading = read("je serai absente", "fr", fixed({"yes": 0.5, "help": 0.45}))
    assert (reading.intent.value, reading.by) == ("help", "not_coming")
    assert reading.trail == (CLASSIFIER, "not_coming")
    unsure = read("je serai absente", "fr", fixed({"yes": 0.5, "cancel": 0.45}))
    assert (unsure.intent.value, unsure.trail) == (
        "unknown",
        (CLASSIFIER, "not_coming", "unsure_act"),
    )
    nothing_else = read("je serai absente", "fr", fixed({"yes": 0.9}))
    assert (nothing_else.intent.value, nothing_else.by) == ("no", "not_coming")


def test_a_stop_of_the_messages_torn_with_nothing_is_judged_as_a_stop() -> None:
    torn = fixed({"unknown": 0.45, "stop": 0.4})
    reading = read("j'ai arrêté les sms", "fr", torn)
    assert (reading.intent.value, reading.by) == ("stop", "stop_asked_in_words")
    assert reading.trail == (CLASSIFIER, "stop_beside_nothing", "stop_asked_in_words")
    assert read("je n'ai jamais arrêté les sms", "fr", torn).intent.value != "stop"
    assert read("j'ai arrêté de fumer", "fr", torn).intent.value == "unknown"


def test_every_component_is_tried_here_in_the_pipelines_order() -> None:
    tried = [c for c, *_ in FIRST_STEPS] + [c for c, *_ in RULES] + ["number_by_rules_only"]
    tried.append("learned")  # tests/core/understanding/test_learned.py
    tried.append("stop_beside_nothing")  # below: it renames, the stop's own rules decide
    tried += sorted({c for c, *_ in CLAUSES} - set(tried))
    assert sorted(tried) == sorted(COMPONENTS)
    assert COMPONENTS[: len(FIRST)] == tuple(step.name for step in FIRST)
    assert COMPONENTS[len(FIRST)] == CLASSIFIER
    assert len(set(COMPONENTS)) == len(COMPONENTS)


def _understand(
    argv: list[str],
    lines: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> list[dict[str, object]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["understand", *argv]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_understand_explain_names_the_deciding_component(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["2", "/aide", "oui ?", "je comprends pas le français", "bonjour"]
    readings = _understand(["--language", "fr", "--explain"], lines, monkeypatch, capsys)
    assert [r["by"] for r in readings] == [
        "number",
        "command",
        "asked_yes",
        "other_language",
        "classifier",
    ]
    assert readings[2]["trail"] == ["classifier", "asked_yes"]
    assert [r["intent"] for r in readings] == ["number", "help", "unknown", "language", "menu"]


def test_understand_without_explain_prints_the_reading_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = _understand(["--language", "fr"], ["oui ?", "2"], monkeypatch, capsys)
    assert readings == [
        {"intent": "unknown", "confidence": readings[0]["confidence"]},
        {"intent": "number", "number": 2, "confidence": 1.0},
    ]

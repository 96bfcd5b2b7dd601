"""Examples learned from the organisers, and the gate that checks each label first."""

from __future__ import annotations

from pathlib import Path

from core.understanding.gate import FOLDER, SETS, gate_messages, judge_label
from core.understanding.learned import LEARNABLE, LearnedExamples, using
from core.understanding.pipeline import read, read_both
from core.understanding.reading import ACTING, TextIntent

CORPUS = Path(__file__).parents[3] / "data" / "intents"
TRUCS = LearnedExamples([("mes trucs stp", "fr", TextIntent.MY_BOOKINGS)])


def test_a_learned_message_is_read_as_labelled_exactly_or_nearly() -> None:
    assert read("mes trucs stp", "fr").intent == TextIntent.UNKNOWN
    with using(TRUCS):
        for text in ("mes trucs stp", "Mes trucs STP !", "mes truc stp"):
            reading = read(text, "fr")
            assert (reading.intent, reading.by) == (TextIntent.MY_BOOKINGS, "learned"), text
        assert read_both("mes trucs stp", "en").own.intent == TextIntent.MY_BOOKINGS
        assert read("pas mes trucs stp", "fr").by != "learned"  # a negation it lacked
        assert read("2", "fr").intent == TextIntent.NUMBER  # the first steps still come first
    assert read("mes trucs stp", "fr").intent == TextIntent.UNKNOWN  # only where passed in


def test_a_learned_cancel_keeps_its_question_mark_and_only_opens_the_confirmation() -> None:
    cancel = LearnedExamples([("jpeux pa le jeudi finalement", "fr", TextIntent.CANCEL)])
    with using(cancel):
        assert read("jpeux pa le jeudi finalement", "fr").intent == TextIntent.CANCEL
        assert read("jpeux pa le jeudi finalement ?", "fr").by != "learned"


def test_yes_stop_and_numbers_are_never_learned() -> None:
    assert not (set(LEARNABLE) & {TextIntent.YES, TextIntent.STOP, TextIntent.START})
    assert set(ACTING) - set(LEARNABLE) == {TextIntent.STOP}
    never = LearnedExamples([("tkt frere", "fr", TextIntent.YES), ("zut", "fr", TextIntent.STOP)])
    assert len(never) == 0


def test_stop_and_start_are_obeyed_whatever_was_learned() -> None:
    wrong = LearnedExamples([("stop les sms svp", "fr", TextIntent.HELP)])
    with using(wrong):
        assert read("stop les sms svp", "fr").intent == TextIntent.STOP


def test_the_gate_accepts_a_harmless_label() -> None:
    verdict = judge_label(LearnedExamples(), [("mes trucs stp", "fr", TextIntent.MY_BOOKINGS)])
    assert verdict.accepted


def test_the_gate_refuses_a_label_that_reads_worse_or_dangerously() -> None:
    worse = judge_label(LearnedExamples(), [("bonjour", "fr", TextIntent.HELP)])
    assert not worse.accepted
    assert worse.lost >= 1
    assert worse.learnable
    assert not worse.dangerous
    dangerous = judge_label(
        LearnedExamples(), [("je ne veux pas annuler", "fr", TextIntent.CANCEL)]
    )
    assert not dangerous.accepted
    assert (TextIntent.CANCEL, TextIntent.NO) in dangerous.dangerous
    already = TRUCS.plus([("je ne veux pas annuler", "fr", TextIntent.NO)])
    assert judge_label(already, [("mes trucs svp", "fr", TextIntent.MY_BOOKINGS)]).accepted


def test_the_gate_ships_copies_of_two_measuring_sets_never_blind13() -> None:
    assert SETS == ("heldout11.csv", "independent.csv")
    for name in SETS:
        assert (FOLDER / name).read_bytes() == (CORPUS / f"intents_{name}").read_bytes()
    assert sorted(path.name for path in FOLDER.iterdir()) == sorted(SETS)  # blind13 stays out
    assert len(gate_messages()) == 800

"""Reading a message on the screen the person is looking at.

Each screen says what it expects (``Screen``): a yes or a no, one of N choices with their
labels, a first name, a phone number, free text, or one main action (a workshop's card).
``read_on`` starts from the context-free reading (the floor, ``core.understanding.pipeline``)
and lets the screen decide only what the screen makes clear:

- on a list, a number or an ordinal anywhere in a short sentence is a choice ("c le 3 ke je
  veu", "üçüncüyü istiyorum"), and a spoken correction keeps the last one ("euh le deux non
  le trois");
- on a yes/no screen, the screen's own button words, even misspelt, answer it;
- on a screen with one main action, agreeing or naming the action takes it ("ouais je
  prends", "yes i want to book it", "evet kayıt olmak istiyorum").

A hedged or reported message never takes an action, a negated one never says yes, and STOP,
an erase and a slash command are always read as the floor reads them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from core.understanding import addressed, consent, word_lists
from core.understanding.clauses import BUT, call_opening, hedged, reported
from core.understanding.message import Message
from core.understanding.negation import (
    acting_word_negated,
    asks,
    cancel_word,
    has_acting_word,
    negated,
)
from core.understanding.normalising import bare, normalise
from core.understanding.numbers import NOT_A_CHOICE_AFTER, NOT_WORDS, value_of
from core.understanding.pipeline import read
from core.understanding.reading import Reading, TextIntent
from core.understanding.short_answers import PLAIN_YES
from core.understanding.thresholds import HIGH, LABEL_SCORE, LIST_SENTENCE_WORDS, MAX_CHOICE

SCREEN = "screen"
"""The name of this component in a reading's trail (``Reading.by``)."""


class Expects(enum.StrEnum):
    """What a screen waits for."""

    ANYTHING = "menu"
    """No question asked: the context-free reading."""
    YES_NO = "yesno"
    LIST = "list"
    CARD = "card"
    """One main action (a workshop's card: book it)."""
    NAME = "name"
    PHONE = "phone"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Screen:
    """What the screen on show expects, with the labels of its choices."""

    expects: Expects = Expects.ANYTHING
    labels: tuple[str, ...] = ()
    """For a list: the choices' labels in order; for yes/no: the yes label, then the no
    label; for a card: the main action's label."""
    size: int = 0
    """For a list: how many choices it numbers (0: as many as a list ever has)."""

    @classmethod
    def parse(cls, spec: str) -> Screen:
        """'list:5', 'list', 'yesno', 'card', 'name', 'phone', 'text', 'menu'."""
        kind, _, size = spec.partition(":")
        expects = Expects(kind)
        if size and not (size.isdigit() and expects == Expects.LIST):
            raise ValueError(f"{spec!r}: only a list has a size")
        return cls(expects, size=int(size) if size else 0)


FLOOR_KEPT = frozenset({TextIntent.STOP, TextIntent.START, TextIntent.FORGET})
NOT_AGREEING = frozenset(
    {
        TextIntent.CANCEL,
        TextIntent.NO,
        TextIntent.NUMBER,
        TextIntent.LANGUAGE,
        TextIntent.PRIVACY,
        TextIntent.EXPLAIN,
    }
)
"""Readings a card never takes as agreeing: they ask for something else."""
"""Readings a screen never changes: the opt-out words and an erase mean themselves."""

BOOKING_ACTION = tuple(bare(w) for w in word_lists.words("booking_action"))
CORRECTION = frozenset(bare(w) for w in word_lists.words("number_correction"))
ARTICLE_ONE = frozenset({"un", "une", "bir", "one", "a"})
"""Number words that are an article more often than a choice."""


def read_on(
    text: str, screen: Screen, language: str | None = None, floor: Reading | None = None
) -> Reading:
    """What a message means on ``screen``: the screen's reading, else the context-free one
    (``floor``, when the message was already read so)."""
    floor = floor or read(text, language)
    if floor.by == "command":
        return floor
    message = Message(text, language)
    words = message.words
    if screen.expects == Expects.YES_NO and _asks_the_act(words, message.mark, screen, floor):
        return _screen_reading(TextIntent.YES, floor)  # "iyeh ms7 kolchi" on "Tout effacer ?"
    if floor.intent in FLOOR_KEPT:
        return floor
    if screen.expects == Expects.LIST:
        return _on_list(words, screen, floor)
    if screen.expects == Expects.YES_NO:
        return _on_yes_no(words, screen, floor, language)
    if screen.expects == Expects.CARD:
        return _on_card(words, screen, floor)
    return floor


ACTS = frozenset({TextIntent.CANCEL, TextIntent.FORGET})


@lru_cache(maxsize=256)
def _act_of(label: str, language: str | None) -> TextIntent | None:
    """The act a confirmation's yes button names ("Oui, annuler": cancel), if any."""
    intent = read(label, language).intent
    return intent if intent in ACTS else None


def _asks_the_act(words: list[str], mark: bool, screen: Screen, floor: Reading) -> bool:
    """On a confirmation whose yes names an act ("Oui, annuler", "نعم، امسح كل شيء"), a
    message that asks for that same act, neither negated, asked, hedged nor reported,
    confirms it: "iyeh ms7 kolchi", "ah lghih", "yes cancel it"."""
    if len(screen.labels) != 2 or not words:
        return False
    act = _act_of(screen.labels[0], None)
    if act is None:
        return False
    if negated(words) or acting_word_negated(words) or asks(words, mark):
        return False
    if hedged(words) or reported(words):
        return False
    if floor.intent == act:
        return True
    if floor.intent not in (TextIntent.UNKNOWN, TextIntent.YES) or not has_acting_word(words):
        return False
    return cancel_word(words) == (act == TextIntent.CANCEL)


def _screen_reading(intent: TextIntent, floor: Reading, number: int | None = None) -> Reading:
    return Reading(intent, 1.0, number, by=SCREEN, trail=(*floor.trail, SCREEN))


def number_in_sentence(words: list[str], size: int = 0) -> int | None:
    """The choice a short sentence names, anywhere in it; a spoken correction keeps the last
    number ("le deux non le trois"); a negated number ("pas le 2") names none."""
    if not words or len(words) > LIST_SENTENCE_WORDS:
        return None
    top = size or MAX_CHOICE
    found: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        value = value_of(word)
        if value is None or not 0 < value <= top:
            continue
        if i + 1 < len(words) and words[i + 1] in NOT_A_CHOICE_AFTER:
            continue  # "2 personnes"
        if word in ARTICLE_ONE and not (i and words[i - 1] in ("le", "the", "numero", "number")):
            continue  # "une question", "bir şey"
        found.append((i, value))
    if not found:
        return None
    last_index, last = found[-1]
    if len({value for _, value in found}) > 1:
        first_index = found[-2][0]
        between = words[first_index + 1 : last_index]
        if not CORRECTION & set(between):
            return None  # "le 2 ou le 3": not one choice
        return last  # "le deux non le trois": the correction's number
    if any(w in NOT_WORDS for w in words[max(0, last_index - 2) : last_index]):
        return None  # "pas le 3"
    if words[last_index + 1 : last_index + 2] == ["degil"]:
        return None  # "3 değil"
    return last


def _on_list(words: list[str], screen: Screen, floor: Reading) -> Reading:
    """A number or an ordinal anywhere in a short sentence picks that line; so does a word
    of one line's label, when nothing surer was read ("savoir" on "1. Effacer vos données 2.
    Savoir ce que nous gardons")."""
    if floor.intent == TextIntent.NUMBER:
        return floor
    number = number_in_sentence(words, screen.size)
    if number is None and _label_may_answer(words, floor):
        number = label_named(words, screen.labels)
    if number is None or reported(words) or for_someone_else(words):
        return floor  # "yes dear ill be home by 6" answers someone else, not the list
    return _screen_reading(TextIntent.NUMBER, floor, number)


LABEL_WORD = 4
"""A word of a label is matched only from this many letters ("le", "the", "mes" are not)."""


def _label_may_answer(words: list[str], floor: Reading) -> bool:
    """A label's word answers only a short message, neither negated nor asking for an act or
    read surely as something else."""
    if not words or len(words) > LIST_SENTENCE_WORDS or negated(words):
        return False
    if floor.intent == TextIntent.UNKNOWN:
        return True
    guessed = floor.by == "classifier" and floor.confidence < HIGH
    return guessed and floor.intent not in (*ACTS, TextIntent.STOP, TextIntent.START)


def label_named(words: list[str], labels: tuple[str, ...]) -> int | None:
    """The one line (from 1) whose label holds every word of the message (of four letters or
    more), even misspelt: "savoir", "know" or "know what you keep" pick "Savoir ce que nous
    gardons" / "Know what we keep"; words found in two labels, or in none, pick none."""
    said = {word for word in words if len(word) >= LABEL_WORD}
    if not said:
        return None
    named = []
    for number, label in enumerate(labels, start=1):
        label_words = [w for w in normalise(label).split() if len(w) >= LABEL_WORD]
        if all(any(fuzz.ratio(w, lw) >= LABEL_SCORE for lw in label_words) for w in said):
            named.append(number)
    return named[0] if len(named) == 1 else None


def _label_score(words: list[str], label: str, language: str | None) -> float:
    said = " ".join(words)
    return float(fuzz.ratio(said, normalise(label, language)))


def _on_yes_no(words: list[str], screen: Screen, floor: Reading, language: str | None) -> Reading:
    """The screen's own button words, even misspelt ("oui anuler"), answer the question."""
    if floor.intent in (TextIntent.YES, TextIntent.NO):
        return floor
    if _plain_yes(words, floor):  # "oui annulez" on "Voulez-vous vraiment annuler ?"
        return _screen_reading(TextIntent.YES, floor)
    if len(screen.labels) != 2:
        return floor
    yes, no = (_label_score(words, label, language) for label in screen.labels)
    if no >= LABEL_SCORE and no > yes:
        return _screen_reading(TextIntent.NO, floor)
    refused = negated(words) or hedged(words) or for_someone_else(words)
    if yes >= LABEL_SCORE and yes > no and not refused:
        return _screen_reading(TextIntent.YES, floor)
    return floor


def _plain_yes(words: list[str], floor: Reading) -> bool:
    """A message that opens with a yes word and neither takes it back nor asks: "oui
    annulez", "evet onaylıyorum"; not "oui mais...", "oui ?", "oui allô", "yes she said"."""
    if not words or words[0] not in PLAIN_YES or floor.intent in FLOOR_KEPT:
        return False
    if BUT & set(words) or negated(words) or hedged(words) or reported(words):
        return False
    if for_someone_else(words):
        return False
    return not call_opening(words) and floor.trail[-1:] != ("asked_yes",)


def for_someone_else(words: list[str]) -> bool:
    """'yes mum I'm coming', 'ok boomer', 'oui, wrong number': a yes said to someone else or
    sent to the wrong chat answers no screen (``core.understanding.addressed``)."""
    return addressed.yes_to_someone(words, consent.YES_WORDS) or consent.not_for_us(words)


def names_booking(words: list[str]) -> bool:
    """'je réserve', 'book it', 'نحجز', 'kayıt olmak': the words of booking a seat."""
    text = " ".join(words)
    return any(w.startswith(BOOKING_ACTION) for w in words) or any(
        " " in stem and stem in text for stem in BOOKING_ACTION
    )


def _on_card(words: list[str], screen: Screen, floor: Reading) -> Reading:
    """Agreeing, or naming the main action, takes it ("ouais je prends", "واخا نحجز")."""
    if floor.intent in NOT_AGREEING:
        return floor
    if negated(words) or hedged(words) or reported(words) or for_someone_else(words):
        return floor
    labelled = bool(screen.labels) and any(
        fuzz.ratio(" ".join(words), normalise(label)) >= LABEL_SCORE for label in screen.labels
    )
    agrees = floor.intent == TextIntent.YES or bool(PLAIN_YES & set(words))
    if agrees or labelled or names_booking(words):
        return _screen_reading(TextIntent.YES, floor)
    return floor

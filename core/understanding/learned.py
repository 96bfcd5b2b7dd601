"""Examples learned from the organisers: a message they labelled is read as they said.

The examples are passed in (``using``): this room keeps no store of its own. The seats room
loads the accepted labels and reads each message inside ``using(examples)``; anything read
outside, such as ``atelier understand``, reads as the shipped recogniser alone.

A message is matched when its normalised words are an example's, or nearly (a typo or two),
with the same question mark and no negation, condition or reported speech that the example
lacks (or the other way round). Cancel and erase learned here only open their confirmation
screens, as every other reading of them does; yes, stop and start are never learned, and a
message that reads as STOP or START without the examples stays so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from core.understanding import word_lists
from core.understanding.message import Message
from core.understanding.normalising import is_question, normalise
from core.understanding.reading import ACTING, Reading, TextIntent

LEARNABLE: tuple[TextIntent, ...] = (
    TextIntent.WORKSHOPS,
    TextIntent.MY_BOOKINGS,
    TextIntent.CANCEL,
    TextIntent.HELP,
    TextIntent.EXPLAIN,
    TextIntent.MENU,
    TextIntent.PRIVACY,
    TextIntent.FORGET,
    TextIntent.LANGUAGE,
    TextIntent.NO,
)
"""What an organiser may say a message meant: no yes (it would answer a confirmation), no
STOP or START (fixed words the law speaks of), no number nor session (they need a value)."""

NEAR = 92.0
"""How close (rapidfuzz ratio, 0-100) a message must be to an example to be read as it."""
NEAR_MIN_CHARS = 10
"""Shorter messages are matched exactly only: "oui" and "nou" are two letters apart."""
CONFIDENCE = 0.9
"""A learned reading's confidence: sure, but less than a rule's 1.0."""
SENSITIVE = word_lists.word_set(
    "negation",
    "english_negation",
    "arabic_negation",
    "darija_negation",
    "turkish_negative",
    "conditional",
    "reporting",
)
"""Words that change what a sentence does: a near match may not add nor drop one."""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message, as learned: its plain words and what it meant."""

    words: str
    intent: TextIntent
    mark: bool


def keys_of(text: str, language: str | None) -> set[str]:
    """The plain forms a message is matched under: without a language and in its own."""
    forms = {" ".join(normalise(text).split())}
    if language:
        forms.add(" ".join(normalise(text, language).split()))
    return {form for form in forms if form}


class LearnedExamples:
    """Labelled messages, found again by their plain words (exactly, or nearly)."""

    def __init__(self, labelled: Iterable[tuple[str, str | None, TextIntent]] = ()) -> None:
        self._by_words: dict[str, Example] = {}
        for text, language, intent in labelled:
            if intent not in LEARNABLE:
                continue
            mark = is_question(text)
            for key in keys_of(text, language):
                self._by_words[key] = Example(key, intent, mark)
        self._near = [key for key in self._by_words if len(key) >= NEAR_MIN_CHARS]

    def __len__(self) -> int:
        return len(self._by_words)

    def __bool__(self) -> bool:
        return bool(self._by_words)

    def plus(self, labelled: Iterable[tuple[str, str | None, TextIntent]]) -> LearnedExamples:
        """These examples and more (a later one wins on the same words)."""
        both = LearnedExamples()
        both._by_words = dict(self._by_words)
        both._by_words.update(LearnedExamples(labelled)._by_words)
        both._near = [key for key in both._by_words if len(key) >= NEAR_MIN_CHARS]
        return both

    def match(self, words: list[str], mark: bool) -> Example | None:
        """The example these plain words are, or nearly are; None when none."""
        plain = " ".join(words)
        exact = self._by_words.get(plain)
        if exact is not None:
            return exact if _same_mark(exact, mark) else None
        if len(plain) < NEAR_MIN_CHARS or not self._near:
            return None
        found = process.extractOne(plain, self._near, scorer=fuzz.ratio, score_cutoff=NEAR)
        if found is None:
            return None
        example = self._by_words[found[0]]
        if not _same_mark(example, mark) or _sensitive(words) != _sensitive(example.words.split()):
            return None
        return example


def _same_mark(example: Example, mark: bool) -> bool:
    """A cancel or an erase is learned with or without its question mark, never both."""
    return example.mark == mark or example.intent not in ACTING


def _sensitive(words: list[str]) -> frozenset[str]:
    """The words of a message that negate, put a condition or report someone's words."""
    return frozenset(word for word in words if word in SENSITIVE)


NONE = LearnedExamples()
OPT_OUT = frozenset({TextIntent.STOP, TextIntent.START})
_CURRENT: ContextVar[LearnedExamples] = ContextVar("learned_examples", default=NONE)


@contextmanager
def using(examples: LearnedExamples) -> Iterator[None]:
    """Read messages with these examples inside the block."""
    token = _CURRENT.set(examples)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def step(message: Message) -> Reading | None:
    """The pipeline's component: the intent of the example the message is, if any."""
    examples = _CURRENT.get()
    if not examples:
        return None
    example = examples.match(message.words, message.mark)
    if example is None or _opts_out(message):
        return None
    return Reading(example.intent, CONFIDENCE)


def _opts_out(message: Message) -> bool:
    """Whether the message, read without the examples, is STOP or START: those are always
    obeyed, whatever was learned."""
    from core.understanding.pipeline import read  # the pipeline holds this step

    with using(NONE):
        return read(message.text, message.language, message.model).intent in OPT_OUT

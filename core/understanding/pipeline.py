"""Reading a message: an ordered list of named components.

1. The first steps (``FIRST``) each may decide alone: an empty message, question marks only,
   a slash command, nothing left once normalised, a choice number, a short yes or no, an
   example learned from the organisers (``core.understanding.learned``).
2. The classifier proposes an intent with a probability.
3. The safety rules (``core.understanding.safety.SAFETY``) let it pass, rename it, rule it out
   for the runner-up, or decide.
4. The corrections (``core.understanding.corrections.CORRECTIONS``) may change the judged
   reading by what the words clearly say around it.

The reading carries the name of the component that decided it (``Reading.by``) and every
component that proposed or changed it (``Reading.trail``). Nothing is ever booked or
cancelled from a written word alone: each acting intent leads to a confirmation screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from core.understanding import classifier, learned
from core.understanding.commands import COMMANDS, command_of
from core.understanding.corrections import CORRECTIONS, corrected
from core.understanding.message import Message, Proposal
from core.understanding.numbers import choice_number
from core.understanding.reading import Reading, TextIntent
from core.understanding.safety import SAFETY, judge
from core.understanding.short_answers import short_answer


@dataclass(frozen=True, slots=True)
class Step:
    """One named first step: a reading when it decides, else None."""

    name: str
    run: Callable[[Message], Reading | None]


def _empty(message: Message) -> Reading | None:
    """Nothing written (spaces only): unknown."""
    return None if message.stripped else Reading(TextIntent.UNKNOWN, 0.0)


def _question_marks(message: Message) -> Reading | None:
    """'?', '؟ ؟': the screen was not understood."""
    return Reading(TextIntent.EXPLAIN) if set(message.stripped) <= set("?¿؟ ") else None


def _command(message: Message) -> Reading | None:
    """'/annuler', '/start s12': what the command asks for; an unknown command is unknown."""
    command = command_of(message.stripped)
    if command is None:
        return None
    intent = COMMANDS.get(command[0])
    return Reading(intent) if intent is not None else Reading(TextIntent.UNKNOWN, 0.0)


def _normalise(message: Message) -> Reading | None:
    """The plain form of the words (``core.understanding.normalising``); none left: unknown."""
    return None if message.words else Reading(TextIntent.UNKNOWN, 0.0)


def _number(message: Message) -> Reading | None:
    """'2', 'le 3', 'la deuxième': the choice picked (``core.understanding.numbers``)."""
    number = choice_number(message.words)
    return None if number is None else Reading(TextIntent.NUMBER, 1.0, number)


def _short_answer(message: Message) -> Reading | None:
    """'ok super', 'non merci': yes or no words alone (``core.understanding.short_answers``)."""
    short = short_answer(message.words, message.mark)
    return None if short is None else Reading(TextIntent(short), 1.0)


FIRST: tuple[Step, ...] = (
    Step("empty", _empty),
    Step("question_marks", _question_marks),
    Step("command", _command),
    Step("normalise", _normalise),
    Step("number", _number),
    Step("short_answer", _short_answer),
    Step("learned", learned.step),
)
"""The first steps, in order; the first that gives a reading decides."""

CLASSIFIER = "classifier"
"""The name of the component that proposes an intent (``core.understanding.classifier``)."""

COMPONENTS: tuple[str, ...] = (
    *(step.name for step in FIRST),
    CLASSIFIER,
    *(rule.name for rule in SAFETY),
    *(correction.name for correction in CORRECTIONS),
)
"""Every component's name, in the order a message meets them."""


def propose(message: Message) -> Proposal:
    """The classifier's most likely intent (the first one listed on a tie)."""
    probabilities = message.probabilities
    best = max(probabilities, key=probabilities.__getitem__)
    return Proposal(TextIntent(best), probabilities[best], probabilities, message, (CLASSIFIER,))


def read(
    text: str, language: str | None = None, model: classifier.LinearModel | None = None
) -> Reading:
    """What a message means, context-free, for a person on the main menu.

    ``model`` is the shipped classifier unless another is given (cross-validation).
    """
    return _through(Message(text, language, model))


def _through(message: Message) -> Reading:
    """The message through every component, in order."""
    for step in FIRST:
        reading = step.run(message)
        if reading is not None:
            return reading.decided_by(step.name)
    return corrected(judge(propose(message)), message)


class Readings(NamedTuple):
    """One message read without a language and in the person's language."""

    neutral: Reading
    """Read without a language: the opt-out words are the same in every language."""
    own: Reading
    """Read in the person's language."""


def read_both(text: str, language: str | None) -> Readings:
    """The neutral reading and the reading in ``language``, each what ``read`` gives.

    The language changes only how words are normalised: when the normalised words are the
    same, the message goes through the pipeline once.
    """
    neutral = Message(text)
    reading = _through(neutral)
    if language:
        own = Message(text, language)
        if own.words != neutral.words:
            return Readings(reading, _through(own))
    return Readings(reading, reading)

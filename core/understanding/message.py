"""One message on its way through the pipeline, and the classifier's proposal about it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from core.understanding import classifier
from core.understanding.dictation import written_marks
from core.understanding.normalising import is_question, normalise
from core.understanding.reading import Reading, TextIntent


class Message:
    """A message being read: its text, then its words, its question mark and the classifier's
    probabilities, each worked out once, when a component first needs it."""

    def __init__(
        self, text: str, language: str | None = None, model: classifier.LinearModel | None = None
    ) -> None:
        self.text = text
        self.stripped = written_marks(text.strip())
        self.language = language
        self.model = model

    @cached_property
    def words(self) -> list[str]:
        """The normalised words (``core.understanding.normalising``)."""
        return normalise(self.stripped, self.language).split()

    @cached_property
    def mark(self) -> bool:
        """Whether the message carries a question mark."""
        return is_question(self.stripped)

    @cached_property
    def probabilities(self) -> dict[str, float]:
        """The classifier's probability of each intent (the shipped model unless another)."""
        return (self.model or classifier.shipped()).probabilities(" ".join(self.words))


@dataclass(frozen=True, slots=True)
class Proposal:
    """An intent the classifier proposes, on its way through the safety rules."""

    intent: TextIntent
    confidence: float
    """The probability of the intent first proposed (kept when a rule renames the intent)."""
    probabilities: dict[str, float]
    """The intents still in the running, with their probabilities."""
    message: Message
    trail: tuple[str, ...]

    @property
    def words(self) -> list[str]:
        """The message's normalised words."""
        return self.message.words

    @property
    def mark(self) -> bool:
        """Whether the message carries a question mark."""
        return self.message.mark

    def renamed(self, intent: TextIntent) -> Proposal:
        """The same proposal read as another intent, with the same confidence."""
        return replace(self, intent=intent)

    def read_as(self, intent: TextIntent, topic: TextIntent | None = None) -> Reading:
        """A reading of ``intent`` with the proposal's confidence."""
        return Reading(intent, self.confidence, topic=topic)


@dataclass(frozen=True, slots=True)
class RunnerUp:
    """The proposed intent is ruled out: the next most likely one is judged in its place, or,
    when none is likely enough, ``fallback`` is read."""

    fallback: TextIntent = TextIntent.UNKNOWN

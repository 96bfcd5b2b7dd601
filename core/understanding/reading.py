"""What the bot reads in a message: an intent, how sure, and which component decided it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class TextIntent(enum.StrEnum):
    """What a written message asks for."""

    CANCEL = "cancel"
    MY_BOOKINGS = "my_bookings"
    WORKSHOPS = "workshops"
    SESSION = "session"
    MENU = "menu"
    HELP = "help"
    YES = "yes"
    NO = "no"
    PRIVACY = "privacy"
    FORGET = "forget"
    LANGUAGE = "language"
    EXPLAIN = "explain"
    NUMBER = "number"
    STOP = "stop"
    START = "start"
    UNKNOWN = "unknown"


ACTING = frozenset({TextIntent.CANCEL, TextIntent.FORGET, TextIntent.STOP})
"""Intents that lead to an act (each behind a confirmation screen)."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What the bot reads in a message, how sure it is, and why."""

    intent: TextIntent
    confidence: float = 1.0
    number: int | None = None
    topic: TextIntent | None = None
    """For a question or a condition about cancelling or erasing: what it is about."""
    by: str = field(default="", compare=False)
    """The name of the pipeline component that decided this reading."""
    trail: tuple[str, ...] = field(default=(), compare=False)
    """Every component that proposed or changed the reading, in order; the last is ``by``."""
    runner_up: TextIntent | None = field(default=None, compare=False)
    """The intent the person may have meant instead, offered when the reading is unsure."""
    runner_up_confidence: float = field(default=0.0, compare=False)
    guess: TextIntent | None = field(default=None, compare=False)
    """For a message not understood: the likeliest intent a question may offer, with the
    runner-up."""

    def as_json(self) -> dict[str, object]:
        """The reading as printed by ``atelier understand``."""
        out: dict[str, object] = {"intent": self.intent.value}
        if self.number is not None:
            out["number"] = self.number
        if self.topic is not None:
            out["topic"] = self.topic.value
        out["confidence"] = round(self.confidence, 3)
        return out

    def explained(self) -> dict[str, object]:
        """The reading with the component that decided it (``atelier understand --explain``)."""
        return {**self.as_json(), "by": self.by, "trail": list(self.trail)}

    def decided_by(self, name: str, before: tuple[str, ...] = ()) -> Reading:
        """This reading, marked as decided by the component ``name`` after ``before``."""
        return Reading(self.intent, self.confidence, self.number, self.topic, name, (*before, name))

    def with_runner_up(
        self, intent: TextIntent, confidence: float, guess: TextIntent | None = None
    ) -> Reading:
        """This reading, with the intent the person may have meant instead (and, when it is
        not understood, its likeliest guess)."""
        return replace(self, runner_up=intent, runner_up_confidence=confidence, guess=guess)

"""What the phone line says at one step of a call: sentences, then a question or the end."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Prompt:
    """One answer of the line: what is said, which keys mean something, what comes next.

    ``listen`` is a question (the caller's keys or words are awaited, their answer names
    ``turn``); otherwise the call ends after the sentences.
    """

    sentences: tuple[str, ...]
    keys: tuple[str, ...] = ()
    listen: bool = True
    slow: bool = False
    hints: tuple[str, ...] = ()
    language: str = "fr"
    turn: int = 0

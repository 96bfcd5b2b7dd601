"""Which step answers each kind of choice: registered by the flow that owns it.

A flow declares its steps next to its code (``@answers(AskToBook)`` over
``async def ask_step(flow: Flow, choice: AskToBook) -> Reply``); the router looks the step
up by the kind of the parsed choice. A kind with no step, or with two, fails at import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from core.dialog import Reply
from handlers.machinery.choices import ChoiceData
from handlers.machinery.context import Flow

C = TypeVar("C", bound=ChoiceData)
Step = Callable[[Flow, Any], Awaitable[Reply]]

_STEPS: dict[type[ChoiceData], Step] = {}


def answers(kind: type[C]) -> Callable[[Callable[[Flow, C], Awaitable[Reply]]], Step]:
    """Register the decorated coroutine as the step that answers ``kind``."""

    def register(step: Callable[[Flow, C], Awaitable[Reply]]) -> Step:
        assert kind not in _STEPS, f"two steps answer {kind.__name__}"
        _STEPS[kind] = step
        return step

    return register


def step_for(choice: ChoiceData) -> Step:
    """The step registered for the kind of ``choice``."""
    return _STEPS[type(choice)]


def answered() -> frozenset[type[ChoiceData]]:
    """Every kind of choice some step answers."""
    return frozenset(_STEPS)

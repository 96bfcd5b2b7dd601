"""What the screen on show expects, from the conversation's state.

A screen says it (``Reply.expects``, kept as ``ConversationState.screen``); a screen that
does not is read from its choices: a yes and a no ask yes or no, a booking button first is a
workshop's card, several sessions or bookings are a list; a first name or a phone number
asked for is what is awaited.
"""

from __future__ import annotations

from core.dialog import Intent
from core.understanding.screens import Expects, Screen
from handlers.machinery.choices import (
    AcceptOffer,
    AskToBook,
    AskToCancel,
    ChoiceData,
    ConfirmBooking,
    DeclineOffer,
    JoinLine,
    RefuseSeat,
    SessionCard,
    WillCome,
)
from handlers.machinery.state import (
    AwaitingOtherName,
    AwaitingOtherPhone,
    ConversationState,
    OrganiserAwaiting,
)

MAIN_ACTIONS: tuple[type[ChoiceData], ...] = (AskToBook, JoinLine, ConfirmBooking)
"""Choices a card's agreement takes: book this session, or join its waiting line."""
LISTED: tuple[type[ChoiceData], ...] = (SessionCard, AskToCancel)
YES_KINDS: tuple[type[ChoiceData], ...] = (WillCome, AcceptOffer)
NO_KINDS: tuple[type[ChoiceData], ...] = (DeclineOffer, RefuseSeat)
KNOWN = frozenset(kind.value for kind in Expects)


def screen_of(state: ConversationState) -> Screen:
    """What the last screen expects, with its choices' labels."""
    awaiting = state.awaiting
    if isinstance(awaiting, AwaitingOtherName):
        return Screen(Expects.NAME)
    if isinstance(awaiting, AwaitingOtherPhone):
        return Screen(Expects.PHONE)
    if isinstance(awaiting, OrganiserAwaiting):
        return Screen(Expects.TEXT)
    labels = tuple(entry.label for entry in state.choices)
    parsed = [ChoiceData.parse(entry.data) for entry in state.choices]
    declared = Expects(state.screen) if state.screen in KNOWN else None
    yes_no = _yes_no_labels(state, parsed)
    if declared is None and yes_no is not None and yes_no[1]:  # "Oui, je réserve" / "Non"
        return Screen(Expects.YES_NO, yes_no)
    if declared == Expects.CARD or (declared is None and main_action(state) is not None):
        action = main_action(state)
        label = next((e.label for e in state.choices if e.data == action), "")
        return Screen(Expects.CARD, (label,)) if action is not None else Screen()
    if declared == Expects.YES_NO or (declared is None and yes_no is not None):
        return Screen(Expects.YES_NO, yes_no or ())
    listed = sum(isinstance(choice, LISTED) for choice in parsed)
    if declared == Expects.LIST or (declared is None and listed >= 2):
        return Screen(Expects.LIST, labels, len(labels))
    return Screen(declared) if declared is not None else Screen()


def main_action(state: ConversationState) -> str | None:
    """The data of a card's main action (book, join the line), if the screen is a card."""
    for entry in state.choices[:1]:
        if isinstance(ChoiceData.parse(entry.data), MAIN_ACTIONS):
            return entry.data
    return None


def _yes_no_labels(
    state: ConversationState, parsed: list[ChoiceData | None]
) -> tuple[str, str] | None:
    """The labels of the yes and the no choice, when the screen asks yes or no."""
    yes = next(
        (
            e.label
            for e, c in zip(state.choices, parsed, strict=True)
            if e.intent == Intent.YES or isinstance(c, YES_KINDS)
        ),
        None,
    )
    no = next(
        (
            e.label
            for e, c in zip(state.choices, parsed, strict=True)
            if e.intent == Intent.NO or isinstance(c, NO_KINDS)
        ),
        "",
    )
    return None if yes is None else (yes, no)

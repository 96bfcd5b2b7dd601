"""A conversation's state, typed: the last screen's choices and what the bot waits for.

Every waiting state a flow can be in is declared here, as a small frozen dataclass; a flow
sets ``flow.state.awaiting`` to one and, when text comes, matches on its class. The state
is stored in the conversation's JSON column in the shape it has always had, so
conversations saved by an earlier version read back unchanged:

    {"choices": [[data, intent, label], ...],
     "organiser": {"what": "walk_in_name", "session": 12, ...},
     "for_other": {"what": "name", "session": 12, "shown": [data, ...]},
     "screen": "list",
     "asked": "the message a clarifying question was asked about"}

What cannot be read back (a wrong type, an unknown "what", no session) is dropped, and
logged without its content: the person is then simply not waiting for anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, ClassVar, get_type_hints

from core.dialog import Intent, Reply

log = logging.getLogger(__name__)

CHOICES = "choices"
KEYBOARD = "keyboard"
"""Stored true once the keyboard that stays at the bottom of the chat was installed."""
ORGANISER = "organiser"
FOR_OTHER = "for_other"
SCREEN = "screen"
"""What the last screen expects (``core.understanding.screens.Expects``), when it said."""
ASKED = "asked"
"""The message the last clarifying question was asked about, until it is answered."""


@dataclass(frozen=True, slots=True)
class Remembered:
    """One choice of the last screen: a written number or "oui" can pick it."""

    data: str
    intent: Intent | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class Awaiting:
    """Something the person was asked to type. Stored under ``KEY`` as {"what": WHAT, ...}."""

    KEY: ClassVar[str] = ""
    WHAT: ClassVar[str] = ""
    session_id: int


@dataclass(frozen=True, slots=True)
class OrganiserAwaiting(Awaiting):
    """An organiser was asked to type something for a session."""

    KEY: ClassVar[str] = ORGANISER


@dataclass(frozen=True, slots=True)
class AwaitingWalkInName(OrganiserAwaiting):
    """The first name of someone who came without booking."""

    WHAT: ClassVar[str] = "walk_in_name"


@dataclass(frozen=True, slots=True)
class AwaitingWalkInPhone(OrganiserAwaiting):
    """That person's mobile number, or "non"."""

    WHAT: ClassVar[str] = "walk_in_phone"
    name: str


@dataclass(frozen=True, slots=True)
class AwaitingMessage(OrganiserAwaiting):
    """A message to everyone booked on the session."""

    WHAT: ClassVar[str] = "message"


@dataclass(frozen=True, slots=True)
class MessageReady(OrganiserAwaiting):
    """The message, typed, waiting for the organiser's yes."""

    WHAT: ClassVar[str] = "message_ready"
    text: str


@dataclass(frozen=True, slots=True)
class AwaitingMoveDate(OrganiserAwaiting):
    """The session's new date and time."""

    WHAT: ClassVar[str] = "move"


@dataclass(frozen=True, slots=True)
class MoveReady(OrganiserAwaiting):
    """The new start (UTC), read, waiting for the organiser's yes."""

    WHAT: ClassVar[str] = "move_ready"
    at: datetime


@dataclass(frozen=True, slots=True)
class ForOtherAwaiting(Awaiting):
    """Someone booking for another person was asked a question. ``shown`` is the data of
    that question's choices: once another screen is shown, the question no longer waits."""

    KEY: ClassVar[str] = FOR_OTHER
    shown: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AwaitingOtherName(ForOtherAwaiting):
    """The first name of the person the seat is for."""

    WHAT: ClassVar[str] = "name"


@dataclass(frozen=True, slots=True)
class AwaitingOtherPhone(ForOtherAwaiting):
    """Their mobile number for their own reminders ("Pas de numéro" is a button)."""

    WHAT: ClassVar[str] = "phone"
    name: str


WAITING_STATES: tuple[type[Awaiting], ...] = (
    AwaitingWalkInName,
    AwaitingWalkInPhone,
    AwaitingMessage,
    MessageReady,
    AwaitingMoveDate,
    MoveReady,
    AwaitingOtherName,
    AwaitingOtherPhone,
)
"""Every waiting state, in the order the stored keys are read: an organiser's first (their
typed answers were always tried first), then booking for someone else."""

_KINDS = {(kind.KEY, kind.WHAT): kind for kind in WAITING_STATES}
assert len(_KINDS) == len(WAITING_STATES), "two waiting states share a key and a 'what'"
_HINTS = {kind: get_type_hints(kind) for kind in WAITING_STATES}
_INTENTS = frozenset(intent.value for intent in Intent)
_KEYS = tuple(dict.fromkeys(kind.KEY for kind in WAITING_STATES))
_JSON_NAMES = {"session_id": "session"}
"""Fields stored under another name than their own (the stored shape predates them)."""


class Unreadable(ValueError):
    """Stored state that does not have the shape it should."""


@dataclass(slots=True)
class ConversationState:
    """What the bot remembers of a conversation between two messages."""

    choices: tuple[Remembered, ...] = ()
    awaiting: Awaiting | None = None
    keyboard_shown: bool = False
    """Whether the person has the keyboard (and has read its note): it is sent once."""
    other: dict[str, Any] = field(default_factory=dict)
    """Keys this version does not know, kept as they were."""
    screen: str = ""
    """What the last screen expects, as it declared it (``Reply.expects``)."""
    asked: str = ""
    """The message a clarifying question on show was asked about (not logged, never kept
    past the next message)."""
    answering: str = field(default="", compare=False)
    """While a message or a choice is handled: the message the question on show was asked
    about (``asked`` is cleared as the turn begins). Not stored."""

    def clear(self) -> None:
        """Forget everything."""
        self.choices, self.awaiting, self.keyboard_shown, self.other = (), None, False, {}
        self.screen, self.asked = "", ""

    def shown(self) -> list[str]:
        """The data of the last screen's choices, in order."""
        return [entry.data for entry in self.choices]

    def offered(self, data: str) -> bool:
        """Whether the last screen offered the choice ``data``."""
        return data in self.shown()

    def asks_yes_no(self) -> bool:
        """Whether the last screen has a yes or a no choice."""
        return any(entry.intent in (Intent.YES, Intent.NO) for entry in self.choices)

    def to_json(self) -> dict[str, Any]:
        """The state as stored in the conversation's JSON column."""
        stored: dict[str, Any] = dict(self.other)
        if self.choices:
            stored[CHOICES] = [
                [entry.data, entry.intent.value if entry.intent else None, entry.label]
                for entry in self.choices
            ]
        if self.awaiting is not None:
            stored[self.awaiting.KEY] = _awaiting_to_json(self.awaiting)
        if self.keyboard_shown:
            stored[KEYBOARD] = True
        if self.screen:
            stored[SCREEN] = self.screen
        if self.asked:
            stored[ASKED] = self.asked
        return stored

    @classmethod
    def from_json(cls, stored: object) -> ConversationState:
        """Read stored state; any part that cannot be read is left out, never raised."""
        if not isinstance(stored, dict):
            if stored is not None:
                log.warning("conversation state is not an object, ignored")
            return cls()
        known = {CHOICES, KEYBOARD, SCREEN, ASKED, *_KEYS}
        other = {k: v for k, v in stored.items() if k not in known}
        try:
            choices = _choices_from_json(stored.get(CHOICES, []))
        except Unreadable as error:
            log.warning("remembered choices unreadable, ignored: %s", error)
            choices = ()
        awaiting = None
        for key in _KEYS:  # one thing awaited at a time: the first readable one
            if stored.get(key) is None:
                continue
            try:
                awaiting = _awaiting_from_json(key, stored[key])
                break
            except Unreadable as error:
                log.warning("awaited %s unreadable, ignored: %s", key, error)
        screen, asked = stored.get(SCREEN), stored.get(ASKED)
        return cls(
            choices,
            awaiting,
            stored.get(KEYBOARD) is True,
            other,
            screen if isinstance(screen, str) else "",
            asked if isinstance(asked, str) else "",
        )


def remember(state: ConversationState, replies: list[Reply]) -> ConversationState:
    """Keep the choices of the last screen, and what it expects, so a written number or
    'oui' can pick one."""
    for reply in reversed(replies):
        if reply.choices:
            choices = tuple(Remembered(c.data, c.intent, c.label) for c in reply.flat_choices())
            return replace(state, choices=choices, other=dict(state.other), screen=reply.expects)
    return state


def _choices_from_json(raw: object) -> tuple[Remembered, ...]:
    """[[data, intent, label], ...]; all or nothing, so that numbers keep their meaning."""
    if not isinstance(raw, list):
        raise Unreadable("not a list")
    choices = []
    for entry in raw:
        if not isinstance(entry, list) or not 1 <= len(entry) <= 3:
            raise Unreadable("an entry is not [data, intent, label]")
        data = entry[0]
        intent = entry[1] if len(entry) > 1 else None
        label = entry[2] if len(entry) > 2 else ""
        if not isinstance(data, str) or not isinstance(label, str):
            raise Unreadable("data or label is not text")
        known = Intent(intent) if isinstance(intent, str) and intent in _INTENTS else None
        choices.append(Remembered(data, known, label))
    return tuple(choices)


def _awaiting_to_json(awaiting: Awaiting) -> dict[str, Any]:
    stored: dict[str, Any] = {"what": awaiting.WHAT}
    for spec in fields(awaiting):
        value = getattr(awaiting, spec.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        stored[_JSON_NAMES.get(spec.name, spec.name)] = value
    return stored


def _awaiting_from_json(key: str, raw: object) -> Awaiting:
    if not isinstance(raw, dict):
        raise Unreadable("not an object")
    what = raw.get("what")
    kind = _KINDS.get((key, what)) if isinstance(what, str) else None
    if kind is None:
        raise Unreadable("unknown 'what'")
    hints = _HINTS[kind]
    values: dict[str, Any] = {}
    for spec in fields(kind):
        name = _JSON_NAMES.get(spec.name, spec.name)
        if name not in raw:
            raise Unreadable(f"no {name!r}")
        values[spec.name] = _value(hints[spec.name], raw[name], name)
    return kind(**values)


def _value(kind: object, raw: object, name: str) -> object:
    """One stored field, checked against the type it is declared with."""
    if kind is int and isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    if kind is str and isinstance(raw, str):
        return raw
    if kind is datetime and isinstance(raw, str):
        try:
            at = datetime.fromisoformat(raw)
        except ValueError:
            raise Unreadable(f"{name!r} is not a date") from None
        if at.tzinfo is not None:
            return at
    if kind == tuple[str, ...] and isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return tuple(raw)
    raise Unreadable(f"{name!r} has the wrong type")

"""Choice data: small typed classes, packed into short strings such as ``b:12``.

Each kind of choice is a frozen dataclass with a prefix and typed fields
(``class AskToBook(ChoiceData, prefix="b"): session_id: Id``). One generic codec packs it
(``AskToBook(12).pack() == "b:12"``) and parses it back strictly: data coming back from a
button is untrusted, so anything the bot did not emit itself (an unknown prefix, a field
missing, out of range or of the wrong shape, more than Telegram's 64 bytes) parses to None,
and every id is re-checked by the step that answers it. The step is registered next to the
flow that owns it (:mod:`handlers.machinery.steps`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, ClassVar, get_args, get_origin, get_type_hints

from core.i18n import LANGUAGES as SPOKEN
from core.seats.catalog import AUDIENCES

MAX_BYTES = 64
"""Telegram's limit for a button's data."""

_PART = re.compile(r"[a-z0-9_]{1,20}")


@dataclass(frozen=True, slots=True)
class Bounded:
    """An integer field, in ``low..high``; over ``high`` it is refused, or clamped."""

    low: int
    high: int
    clamp: bool = False

    def read(self, part: str) -> int | None:
        """The field's value, or None when ``part`` is not one."""
        if not part.isdigit():
            return None
        value = int(part)
        if value < self.low:
            return None
        if value > self.high:
            return self.high if self.clamp else None
        return value


@dataclass(frozen=True, slots=True)
class OneOf:
    """A text field that is one of a few known codes."""

    values: frozenset[str]

    def read(self, part: str) -> str | None:
        """The field's value, or None when ``part`` is not one of the codes."""
        return part if part in self.values else None


Id = Annotated[int, Bounded(1, 2**31 - 1)]
"""A database id: a session's or a booking's."""
Page = Annotated[int, Bounded(0, 10_000, clamp=True)]
"""A page of a list."""
AudienceCode = Annotated[str, OneOf(frozenset(AUDIENCES))]
LanguageCode = Annotated[str, OneOf(frozenset(SPOKEN))]

_KINDS: dict[str, type[ChoiceData]] = {}
_Rule = Bounded | OneOf
_Fields = tuple[tuple[str, _Rule, bool], ...]


class ChoiceData:
    """What a button or numbered line sends back: a prefix and typed fields.

    A kind is declared as a frozen dataclass: ``@dataclass(frozen=True)`` over
    ``class AskToBook(ChoiceData, prefix="b")``, each field annotated with its rule.
    """

    prefix: ClassVar[str] = ""
    organisers_only: ClassVar[bool] = False
    """Refused, like unknown data, to anyone who is not an organiser."""

    def __init_subclass__(cls, *, prefix: str, organisers_only: bool = False) -> None:
        super().__init_subclass__()
        assert _PART.fullmatch(prefix), prefix
        assert prefix not in _KINDS, f"two kinds of choice use the prefix {prefix!r}"
        cls.prefix = prefix
        cls.organisers_only = organisers_only
        _KINDS[prefix] = cls

    @classmethod
    @cache
    def _rules(cls) -> _Fields:
        """Each field's name, rule and whether it may be left out (it has a default)."""
        hints = get_type_hints(cls, include_extras=True)
        rules: list[tuple[str, _Rule, bool]] = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            hint = hints[field.name]
            assert get_origin(hint) is Annotated, f"{cls.__name__}.{field.name}: no rule"
            optional = field.default is not dataclasses.MISSING
            rules.append((field.name, get_args(hint)[1], optional))
        return tuple(rules)

    def pack(self) -> str:
        """The data as sent to the channel; a trailing text field left empty is left out."""
        rules = self._rules()
        values = [getattr(self, name) for name, _, _ in rules]
        while values and rules[len(values) - 1][2] and values[-1] == "":
            values.pop()
        data = ":".join([self.prefix, *(str(value) for value in values)])
        assert len(data.encode()) <= MAX_BYTES, data
        return data

    @staticmethod
    def parse(data: str) -> ChoiceData | None:
        """The choice ``data`` packs; None for anything the bot did not emit itself."""
        if len(data.encode()) > MAX_BYTES:
            return None
        parts = data.split(":")
        if not all(_PART.fullmatch(part) for part in parts):
            return None
        kind = _KINDS.get(parts[0])
        if kind is None:
            return None
        given, rules = parts[1:], kind._rules()
        required = sum(1 for _, _, optional in rules if not optional)
        if not required <= len(given) <= len(rules):
            return None
        values: dict[str, Any] = {}
        for (name, rule, _), part in zip(rules, given, strict=False):
            value = rule.read(part)
            if value is None:
                return None
            values[name] = value
        return kind(**values)


def kinds() -> dict[str, type[ChoiceData]]:
    """Every kind of choice declared, by prefix."""
    return dict(_KINDS)


# The kinds of choice, by the flow that answers them. The data of each is kept unchanged
# from one release to the next: buttons sent before an upgrade still work after it.


# Menu, help, language (handlers/flows/menu.py).
@dataclass(frozen=True)
class Menu(ChoiceData, prefix="menu"):
    """The main menu."""


@dataclass(frozen=True)
class Help(ChoiceData, prefix="help"):
    """The help screen."""


@dataclass(frozen=True)
class Keep(ChoiceData, prefix="no"):
    """ "No" to a question: nothing changes."""


@dataclass(frozen=True)
class Languages(ChoiceData, prefix="lang"):
    """The choice of language."""


@dataclass(frozen=True)
class SpeakLanguage(ChoiceData, prefix="lg"):
    """Speak this language from now on."""

    code: LanguageCode


# Browsing (handlers/flows/browse.py).
@dataclass(frozen=True)
class SessionList(ChoiceData, prefix="l"):
    """A page of upcoming sessions, maybe for one audience."""

    page: Page = 0
    audience: AudienceCode = ""


@dataclass(frozen=True)
class AudienceFilter(ChoiceData, prefix="aud"):
    """The choice of audience."""


# Where: the town question (handlers/flows/towns.py).
@dataclass(frozen=True)
class PickTown(ChoiceData, prefix="tw"):
    """The sessions near this venue's town, that town first."""

    venue_id: Id


@dataclass(frozen=True)
class ChangeTown(ChoiceData, prefix="twc"):
    """Ask the town again."""


@dataclass(frozen=True)
class SessionCard(ChoiceData, prefix="s"):
    """One session's card."""

    session_id: Id


# Booking (handlers/flows/book.py).
@dataclass(frozen=True)
class AskToBook(ChoiceData, prefix="b"):
    """Ask to confirm a booking."""

    session_id: Id


@dataclass(frozen=True)
class ConfirmBooking(ChoiceData, prefix="by"):
    """Booking confirmed."""

    session_id: Id


@dataclass(frozen=True)
class JoinLine(ChoiceData, prefix="w"):
    """Join the waiting list."""

    session_id: Id


# My bookings and cancelling (handlers/flows/cancel.py).
@dataclass(frozen=True)
class MyBookings(ChoiceData, prefix="mine"):
    """The person's bookings."""


@dataclass(frozen=True)
class AskToCancel(ChoiceData, prefix="c"):
    """Ask to confirm cancelling a booking."""

    booking_id: Id


@dataclass(frozen=True)
class ConfirmCancel(ChoiceData, prefix="cy"):
    """Cancelling confirmed."""

    booking_id: Id


# Answers to queued notices (handlers/flows/offers.py, presence.py).
@dataclass(frozen=True)
class AcceptOffer(ChoiceData, prefix="oa"):
    """Take the freed seat offered."""

    booking_id: Id


@dataclass(frozen=True)
class DeclineOffer(ChoiceData, prefix="od"):
    """Let the freed seat go to the next in line."""

    booking_id: Id


@dataclass(frozen=True)
class WillCome(ChoiceData, prefix="here"):
    """ "I'll be there", from the reminder."""

    booking_id: Id


# Booking for someone else (handlers/flows/for_other.py).
@dataclass(frozen=True)
class BookForOther(ChoiceData, prefix="bo"):
    """Book for someone else: ask their first name."""

    session_id: Id


@dataclass(frozen=True)
class OtherWithoutPhone(ChoiceData, prefix="bon"):
    """Book for them without a mobile number."""

    session_id: Id


@dataclass(frozen=True)
class RefuseSeat(ChoiceData, prefix="rf"):
    """ "No" to a seat someone else booked for the person: cancel it, and no more texts."""

    booking_id: Id


# One's data (handlers/flows/my_data.py).
@dataclass(frozen=True)
class PrivacyNotice(ChoiceData, prefix="data"):
    """What the bot keeps, and why."""


@dataclass(frozen=True)
class AskToForget(ChoiceData, prefix="forget"):
    """Ask to confirm erasing one's data."""


@dataclass(frozen=True)
class ConfirmForget(ChoiceData, prefix="forgety"):
    """Erasing confirmed."""


# A clarifying question (handlers/flows/clarify.py).
ClarifiedIntent = Annotated[
    str,
    OneOf(frozenset({"cancel", "forget", "my_bookings", "workshops", "privacy", "help"})),
]
"""What a clarifying question may offer (``core.understanding.pipeline.OFFERED``)."""


@dataclass(frozen=True)
class Clarified(ChoiceData, prefix="cl"):
    """One of the two readings a clarifying question offered, picked."""

    intent: ClarifiedIntent


# Organisers only: ADMIN_TELEGRAM_IDS (handlers/flows/admin.py).
@dataclass(frozen=True)
class AdminHome(ChoiceData, prefix="adm", organisers_only=True):
    """The organiser menu."""


@dataclass(frozen=True)
class AdminSession(ChoiceData, prefix="as", organisers_only=True):
    """One session, as organisers see it."""

    session_id: Id


@dataclass(frozen=True)
class AdminRoster(ChoiceData, prefix="ar", organisers_only=True):
    """A session's roster."""

    session_id: Id


@dataclass(frozen=True)
class MarkPresent(ChoiceData, prefix="ap", organisers_only=True):
    """The person came."""

    booking_id: Id


@dataclass(frozen=True)
class MarkAbsent(ChoiceData, prefix="aa", organisers_only=True):
    """The person did not come."""

    booking_id: Id


@dataclass(frozen=True)
class AskWalkIn(ChoiceData, prefix="aw", organisers_only=True):
    """Register a walk-in: ask the first name."""

    session_id: Id


@dataclass(frozen=True)
class AskMessage(ChoiceData, prefix="am", organisers_only=True):
    """A message to a session: ask the text."""

    session_id: Id


@dataclass(frozen=True)
class AskMove(ChoiceData, prefix="amv", organisers_only=True):
    """Move a session: ask the new date."""

    session_id: Id


@dataclass(frozen=True)
class AskCancelSession(ChoiceData, prefix="ac", organisers_only=True):
    """Ask to confirm cancelling a session."""

    session_id: Id


@dataclass(frozen=True)
class ConfirmCancelSession(ChoiceData, prefix="acy", organisers_only=True):
    """Cancelling a session confirmed."""

    session_id: Id


@dataclass(frozen=True)
class AskCancelSeat(ChoiceData, prefix="acs", organisers_only=True):
    """Ask to confirm cancelling one person's seat."""

    booking_id: Id


@dataclass(frozen=True)
class ConfirmCancelSeat(ChoiceData, prefix="acsy", organisers_only=True):
    """Cancelling one person's seat confirmed."""

    booking_id: Id


@dataclass(frozen=True)
class AdminConfirm(ChoiceData, prefix="ay", organisers_only=True):
    """Carry out what was typed and shown (a message, a move)."""

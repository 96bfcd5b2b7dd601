"""Channel-neutral dialog types: what a person sends, and what the bot answers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

SMS = "sms"
"""The SMS channel's name: it reads the short ``sms`` variants of messages."""


def text_variant(channel: str) -> str | None:
    """The catalog variant a channel reads (short texts for SMS), if any."""
    return SMS if channel == SMS else None


class Kind(enum.StrEnum):
    """What kind of thing a person sent."""

    TEXT = "text"
    CHOICE = "choice"
    OTHER = "other"


class Intent(enum.StrEnum):
    """Meaning attached to a choice so that a written answer can pick it."""

    YES = "yes"
    NO = "no"
    MENU = "menu"


@dataclass(frozen=True, slots=True)
class Sender:
    """Who a message comes from: a channel and the address on that channel."""

    channel: str
    external_id: str
    name: str = ""
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One event from a person: written text, a picked choice, or something else."""

    sender: Sender
    kind: Kind
    text: str = ""
    choice: str = ""
    update_key: str | None = None
    media: str = ""
    """For OTHER: what was sent instead of text ("voice", "sticker", "photo"...)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One button or numbered line: its label and the data it sends back."""

    label: str
    data: str
    intent: Intent | None = None


Rows = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent after a message's text, such as a calendar file."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Venue:
    """A place to show on a map."""

    title: str
    address: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Reply:
    """A message: text plus rows of choices, and maybe a file sent after it."""

    text: str
    choices: Rows = field(default=())
    attachment: Attachment | None = None
    venue: Venue | None = None
    keyboard: tuple[str, ...] = ()
    """Labels of a keyboard that stays on screen, for channels that have one."""
    keyboard_note: str = ""
    """The short message that brings that keyboard, sent after this one."""

    def flat_choices(self) -> list[Choice]:
        """Every choice, in reading order (the numbering of numbered menus)."""
        return [choice for row in self.choices for choice in row]


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A reply as JSON, for an outbox row (a calendar file is not kept)."""
    return {
        "text": reply.text,
        "choices": [
            [[c.label, c.data, c.intent.value if c.intent else None] for c in row]
            for row in reply.choices
        ],
    }


def reply_from_payload(payload: dict[str, Any]) -> Reply:
    """The reply stored by :func:`reply_to_payload`."""
    rows = tuple(
        tuple(
            Choice(str(label), str(data), Intent(intent) if intent else None)
            for label, data, intent in row
        )
        for row in payload.get("choices", [])
    )
    return Reply(str(payload.get("text", "")), rows)

"""Channel-neutral dialog types: what a person sends, and what the bot answers."""

from __future__ import annotations

import base64
import enum
from dataclasses import asdict, dataclass, field
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
    """A reply as JSON, for an outbox row: everything it carries, its file in base64."""
    payload: dict[str, Any] = {
        "text": reply.text,
        "choices": [
            [[c.label, c.data, c.intent.value if c.intent else None] for c in row]
            for row in reply.choices
        ],
    }
    if reply.attachment is not None:
        payload["attachment"] = {
            "filename": reply.attachment.filename,
            "content": base64.b64encode(reply.attachment.content).decode("ascii"),
            "caption": reply.attachment.caption,
        }
    if reply.venue is not None:
        payload["venue"] = asdict(reply.venue)
    if reply.keyboard:
        payload["keyboard"] = list(reply.keyboard)
        payload["keyboard_note"] = reply.keyboard_note
    return payload


def reply_from_payload(payload: dict[str, Any]) -> Reply:
    """The reply stored by :func:`reply_to_payload` (rows stored before files were kept too)."""
    rows = tuple(
        tuple(
            Choice(str(label), str(data), Intent(intent) if intent else None)
            for label, data, intent in row
        )
        for row in payload.get("choices", [])
    )
    file = payload.get("attachment")
    attachment = (
        Attachment(
            str(file["filename"]),
            base64.b64decode(file["content"]),
            str(file.get("caption", "")),
        )
        if isinstance(file, dict)
        else None
    )
    place = payload.get("venue")
    venue = (
        Venue(
            str(place["title"]),
            str(place["address"]),
            float(place["latitude"]),
            float(place["longitude"]),
        )
        if isinstance(place, dict)
        else None
    )
    return Reply(
        str(payload.get("text", "")),
        rows,
        attachment=attachment,
        venue=venue,
        keyboard=tuple(str(label) for label in payload.get("keyboard", ())),
        keyboard_note=str(payload.get("keyboard_note", "")),
    )

"""Channel-neutral dialog types: what a person sends, and what the bot answers."""

from __future__ import annotations

import base64
import enum
from dataclasses import dataclass, field
from typing import Any

SMS = "sms"
"""The SMS channel's name: it reads the short ``sms`` variants of messages."""


WHATSAPP = "whatsapp"
"""The WhatsApp channel's name."""

VOICE = "voice"
"""The phone line's name: a person who called (or is called) with no other phone channel."""

PHONE_CHANNELS = frozenset({SMS, VOICE, WHATSAPP})
"""Channels that know a person by their phone number: one number is one person (the
database's index on the number names the same channels: ``models.people.PHONE_CHANNELS``)."""


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
    latitude: float | None = None
    longitude: float | None = None
    """For OTHER with media "location": the point the person shared."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One button or numbered line: its label and the data it sends back."""

    label: str
    data: str
    intent: Intent | None = None


Rows = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with a message, such as a calendar file: the message as its caption
    where the channel allows it, else sent after the message with its own short caption."""

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
class Notice:
    """What a notice says in a few values, for channels that may only send pre-approved
    templates outside a conversation (WhatsApp): its template, values and button data."""

    template: str
    values: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()
    template_only: bool = False
    """The channel said a free-form message is not allowed now: send the template."""


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
    """The short message that brings that keyboard, sent before this one (so that this one,
    the screen later edits change, is the last in the chat)."""
    toast: str = ""
    """A few words shown at once where the channel can (Telegram: the answer to the button
    pressed, not counted against its sending limits), while the message itself may wait for
    a send slot in a rush. Never all there is: the message still follows."""
    keyboard_here: bool = False
    """The keyboard comes with this very message, in place of its choices (the same main
    choices), and its note ends the text: no message of its own. For a message no screen
    edits later (a confirmation)."""
    notice: Notice | None = None
    """For a queued notice: its template form (see :class:`Notice`)."""
    expects: str = ""
    """What the screen waits for, as ``core.understanding.screens.Expects`` names it ("list",
    "yesno", "card", "name", "phone", "text"); empty: worked out from its choices."""

    def flat_choices(self) -> list[Choice]:
        """Every choice, in reading order (the numbering of numbered menus)."""
        return [choice for row in self.choices for choice in row]


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A reply as JSON, for an outbox row (with its calendar file, its place, its keyboard)."""
    payload: dict[str, Any] = {
        "text": reply.text,
        "choices": [
            [[c.label, c.data, c.intent.value if c.intent else None] for c in row]
            for row in reply.choices
        ],
    }
    if reply.attachment is not None:
        file = reply.attachment
        content = base64.b64encode(file.content).decode()
        payload["attachment"] = [file.filename, content, file.caption]
    if reply.venue is not None:
        place = reply.venue
        payload["venue"] = [place.title, place.address, place.latitude, place.longitude]
    if reply.keyboard:
        payload["keyboard"] = [list(reply.keyboard), reply.keyboard_note]
        if reply.keyboard_here:
            payload["keyboard"].append(True)
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
    attachment = None
    if isinstance(file := payload.get("attachment"), list) and len(file) == 3:
        attachment = Attachment(str(file[0]), base64.b64decode(file[1]), str(file[2]))
    venue = None
    if isinstance(place := payload.get("venue"), list) and len(place) == 4:
        venue = Venue(str(place[0]), str(place[1]), float(place[2]), float(place[3]))
    keyboard: tuple[str, ...] = ()
    note = ""
    here = False
    if isinstance(kept := payload.get("keyboard"), list) and len(kept) in (2, 3):
        keyboard, note = tuple(str(label) for label in kept[0]), str(kept[1])
        here = len(kept) == 3 and kept[2] is True
    return Reply(
        str(payload.get("text", "")),
        rows,
        attachment=attachment,
        venue=venue,
        keyboard=keyboard,
        keyboard_note=note,
        keyboard_here=here,
    )

"""Reading Meta's webhook payloads: messages people sent, and statuses of ours.

The format (``whatsapp_business_account`` object, ``entry[].changes[].value``) is the one of
developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components. Anything else in a
payload is ignored, never an error: Meta adds fields over time. Every string read is
taken in (:mod:`core.intake`): no NUL reaches the database, a text is cut at 4,096.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.dialog import WHATSAPP, Kind
from core.intake import FIELD_LIMIT, message_limit, taken_in

IGNORED_TYPES = frozenset({"reaction", "system", "ephemeral"})
"""An emoji put on one of our messages, a number change notice: nothing to answer."""

MEDIA_NAMES = {"audio": "voice", "sticker": "sticker", "image": "photo", "video": "video"}
"""What the flows call a message that is not text (their kind answers: 'voice', 'sticker')."""


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message a person sent: who, what, and Meta's id for it."""

    message_id: str
    wa_id: str
    name: str
    kind: Kind
    text: str = ""
    choice: str = ""
    media: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """What became of a message the bot sent: sent, delivered, read or failed."""

    message_id: str
    status: str
    recipient: str = ""
    error_code: int | None = None
    error_title: str = ""


def _field(value: object) -> str:
    """A short string of the payload (an id, a name, a status), taken in."""
    return taken_in(str(value or ""), FIELD_LIMIT)


def _text(value: object) -> str:
    """What a person wrote, taken in and cut at WhatsApp's limit."""
    return taken_in(str(value or ""), message_limit(WHATSAPP))


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _values(payload: object, phone_number_id: str) -> list[dict[str, Any]]:
    """The ``value`` of every change addressed to our number."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return []
    values = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if phone_number_id and str(number) != phone_number_id:
                continue  # another number of the same business account
            values.append(value)
    return values


def _message(raw: dict[str, Any], names: dict[str, str]) -> InboundMessage | None:
    message_id, sender = _field(raw.get("id")), _field(raw.get("from"))
    if not message_id or not sender:
        return None
    name = names.get(sender, "")
    kind = _field(raw.get("type"))
    if kind in IGNORED_TYPES:
        return None
    if kind == "text":
        body = raw.get("text")
        text = _text(body.get("body")) if isinstance(body, dict) else ""
        return InboundMessage(message_id, sender, name, Kind.TEXT, text=text)
    if kind == "interactive":
        interactive = raw.get("interactive")
        if isinstance(interactive, dict):
            picked = interactive.get(str(interactive.get("type") or ""))
            if isinstance(picked, dict) and picked.get("id"):
                return InboundMessage(
                    message_id, sender, name, Kind.CHOICE, choice=_field(picked["id"])
                )
    if kind == "button":  # a template's quick-reply button
        button = raw.get("button")
        if isinstance(button, dict) and button.get("payload"):
            return InboundMessage(
                message_id, sender, name, Kind.CHOICE, choice=_field(button["payload"])
            )
        if isinstance(button, dict) and button.get("text"):
            return InboundMessage(message_id, sender, name, Kind.TEXT, text=_text(button["text"]))
    if kind == "location":
        point = _point(raw.get("location"))
        if point is not None:
            latitude, longitude = point
            return InboundMessage(
                message_id,
                sender,
                name,
                Kind.OTHER,
                media="location",
                latitude=latitude,
                longitude=longitude,
            )
    return InboundMessage(message_id, sender, name, Kind.OTHER, media=MEDIA_NAMES.get(kind, kind))


def _point(raw: object) -> tuple[float, float] | None:
    """A location message's point: {"latitude": 49.1, "longitude": 6.2, ...}."""
    if not isinstance(raw, dict):
        return None
    latitude, longitude = raw.get("latitude"), raw.get("longitude")
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return None
    if isinstance(latitude, bool) or isinstance(longitude, bool):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return float(latitude), float(longitude)


def _status(raw: dict[str, Any]) -> StatusUpdate | None:
    message_id, status = _field(raw.get("id")), _field(raw.get("status"))
    if not message_id or status not in ("sent", "delivered", "read", "failed"):
        return None
    errors = _dicts(raw.get("errors"))
    code = errors[0].get("code") if errors else None
    title = _field(errors[0].get("title")) if errors else ""
    return StatusUpdate(
        message_id,
        status,
        _field(raw.get("recipient_id")),
        code if isinstance(code, int) else None,
        title[:200],
    )


def read_payload(
    payload: object, phone_number_id: str
) -> tuple[list[InboundMessage], list[StatusUpdate]]:
    """The messages and the statuses of a webhook payload addressed to our number."""
    messages: list[InboundMessage] = []
    statuses: list[StatusUpdate] = []
    for value in _values(payload, phone_number_id):
        names = {}
        for contact in _dicts(value.get("contacts")):
            profile = contact.get("profile")
            if isinstance(profile, dict) and contact.get("wa_id"):
                names[_field(contact["wa_id"])] = _field(profile.get("name"))
        messages += [m for raw in _dicts(value.get("messages")) if (m := _message(raw, names))]
        statuses += [s for raw in _dicts(value.get("statuses")) if (s := _status(raw))]
    return messages, statuses

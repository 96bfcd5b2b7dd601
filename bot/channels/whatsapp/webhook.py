"""Reading Meta's webhook payloads: messages people sent, and statuses of ours.

The format (``whatsapp_business_account`` object, ``entry[].changes[].value``) is the one of
developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components. Anything else in a
payload is ignored, never an error: Meta adds fields over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.dialog import Kind

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


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """What became of a message the bot sent: sent, delivered, read or failed."""

    message_id: str
    status: str
    recipient: str = ""
    error_code: int | None = None
    error_title: str = ""


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
    message_id, sender = str(raw.get("id") or ""), str(raw.get("from") or "")
    if not message_id or not sender:
        return None
    name = names.get(sender, "")
    kind = str(raw.get("type") or "")
    if kind in IGNORED_TYPES:
        return None
    if kind == "text":
        body = raw.get("text")
        text = str(body.get("body") or "") if isinstance(body, dict) else ""
        return InboundMessage(message_id, sender, name, Kind.TEXT, text=text)
    if kind == "interactive":
        interactive = raw.get("interactive")
        if isinstance(interactive, dict):
            picked = interactive.get(str(interactive.get("type") or ""))
            if isinstance(picked, dict) and picked.get("id"):
                return InboundMessage(
                    message_id, sender, name, Kind.CHOICE, choice=str(picked["id"])
                )
    if kind == "button":  # a template's quick-reply button
        button = raw.get("button")
        if isinstance(button, dict) and button.get("payload"):
            return InboundMessage(
                message_id, sender, name, Kind.CHOICE, choice=str(button["payload"])
            )
        if isinstance(button, dict) and button.get("text"):
            return InboundMessage(message_id, sender, name, Kind.TEXT, text=str(button["text"]))
    return InboundMessage(message_id, sender, name, Kind.OTHER, media=MEDIA_NAMES.get(kind, kind))


def _status(raw: dict[str, Any]) -> StatusUpdate | None:
    message_id, status = str(raw.get("id") or ""), str(raw.get("status") or "")
    if not message_id or status not in ("sent", "delivered", "read", "failed"):
        return None
    errors = _dicts(raw.get("errors"))
    code = errors[0].get("code") if errors else None
    title = str(errors[0].get("title") or "") if errors else ""
    return StatusUpdate(
        message_id,
        status,
        str(raw.get("recipient_id") or ""),
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
                names[str(contact["wa_id"])] = str(profile.get("name") or "")
        messages += [m for raw in _dicts(value.get("messages")) if (m := _message(raw, names))]
        statuses += [s for raw in _dicts(value.get("statuses")) if (s := _status(raw))]
    return messages, statuses

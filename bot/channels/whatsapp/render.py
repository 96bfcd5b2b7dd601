"""A reply as WhatsApp messages: reply buttons, a list, or numbered text, within Meta's limits.

Up to three short choices become reply buttons; up to ten become a list (a long label is
cut in the row's title and given whole in its description); anything else is numbered text,
which a written number answers (the flows remember the last screen's choices).
"""

from __future__ import annotations

from typing import Any

from bot.channels.whatsapp import limits
from core.dialog import Choice, Reply, Venue
from core.i18n import Translator

Message = dict[str, Any]
"""A Graph API message object, without ``messaging_product`` and ``to``."""


def length(text: str) -> int:
    """Characters as a strict counter counts them: an emoji outside the BMP counts twice
    (UTF-16 code units), so a title within the limit here is within it anywhere."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, ending with "…" when it was cut."""
    text = text.strip()
    if length(text) <= limit:
        return text
    text = text[: limit - 1]  # no more code points than units
    while text and length(text) > limit - 1:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _text(body: str) -> Message:
    return {"type": "text", "text": {"body": cut(body, limit=limits.TEXT_BODY)}}


def _fits_buttons(choices: list[Choice]) -> bool:
    titles = [choice.label.strip() for choice in choices]
    return (
        len(choices) <= limits.REPLY_BUTTONS
        and all(0 < length(title) <= limits.REPLY_BUTTON_TITLE for title in titles)
        and len(set(titles)) == len(titles)
        and all(len(choice.data) <= limits.REPLY_BUTTON_ID for choice in choices)
    )


def _fits_list(choices: list[Choice]) -> bool:
    return (
        len(choices) <= limits.LIST_ROWS
        and all(choice.label.strip() for choice in choices)
        and all(len(choice.data) <= limits.LIST_ROW_ID for choice in choices)
        and len({choice.data for choice in choices}) == len(choices)
    )


def _buttons(body: str, choices: list[Choice]) -> Message:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": c.data, "title": c.label.strip()}}
                    for c in choices
                ]
            },
        },
    }


def _row(choice: Choice) -> dict[str, str]:
    label = choice.label.strip()
    row = {"id": choice.data, "title": cut(label, limits.LIST_ROW_TITLE)}
    if length(label) > limits.LIST_ROW_TITLE:
        row["description"] = cut(label, limits.LIST_ROW_DESCRIPTION)
    return row


def _list(body: str, choices: list[Choice], t: Translator) -> Message:
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": cut(t("whatsapp.list_button"), limits.LIST_BUTTON),
                "sections": [
                    {
                        "title": cut(t("whatsapp.list_section"), limits.LIST_SECTION_TITLE),
                        "rows": [_row(choice) for choice in choices],
                    }
                ],
            },
        },
    }


def numbered(text: str, choices: list[Choice], t: Translator) -> str:
    """The text, then one numbered line per choice."""
    lines = [f"{number}. {choice.label.strip()}" for number, choice in enumerate(choices, 1)]
    return "\n".join([text.strip(), "", *lines, "", t("whatsapp.reply_number")])


def location(venue: Venue) -> Message:
    """The place as a location message (a pin on the map, with its name and address)."""
    return {
        "type": "location",
        "location": {
            "latitude": venue.latitude,
            "longitude": venue.longitude,
            "name": venue.title,
            "address": venue.address,
        },
    }


def messages(reply: Reply, t: Translator) -> list[Message]:
    """The messages for ``reply``'s text and choices, and its place (the calendar file is
    uploaded and sent by the channel)."""
    choices = reply.flat_choices()
    body = reply.text.strip()
    if not choices:
        main = _text(body)
    elif length(body) <= limits.INTERACTIVE_BODY and _fits_buttons(choices):
        main = _buttons(body, choices)
    elif length(body) <= limits.INTERACTIVE_BODY and _fits_list(choices):
        main = _list(body, choices, t)
    else:
        main = _text(numbered(body, choices, t))
    return [main] + ([location(reply.venue)] if reply.venue is not None else [])

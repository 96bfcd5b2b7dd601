"""A reply as one SMS: GSM-7 text, choices as numbered lines, two segments at most."""

from __future__ import annotations

import re

from bot.dialog import Reply
from bot.sms_text import MAX_SEPTETS, fit, septets, to_gsm7


def sms_body(reply: Reply) -> str:
    """The SMS for ``reply``; the text is shortened, never the choices, to fit."""
    text = re.sub(r"\n{2,}", "\n", to_gsm7(reply.text)).strip()
    lines = [
        f"{number} {to_gsm7(choice.label).strip()}"
        for number, choice in enumerate(reply.flat_choices(), 1)
    ]
    choices = "\n".join(lines)
    if not choices:
        return fit(text)
    room = MAX_SEPTETS - septets(choices) - 1
    return fit(text, max(room, 20)) + "\n" + choices if room > 0 else fit(choices)

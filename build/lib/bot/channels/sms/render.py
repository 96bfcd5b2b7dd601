"""A reply as one SMS: GSM-7 text, choices as numbered lines, two segments at most."""

from __future__ import annotations

import re

from bot.channels.sms_text import MAX_SEPTETS, MAX_UNICODE, fit, fit_unicode, septets, to_gsm7
from core.dialog import Reply
from core.i18n import RIGHT_TO_LEFT


def sms_body(reply: Reply, language: str = "fr") -> str:
    """The SMS for ``reply``; the text is shortened, never the choices, to fit.

    Arabic goes as Unicode (UCS-2, four segments at most); every other language in GSM-7.
    """
    if language in RIGHT_TO_LEFT:
        return _unicode_body(reply)
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


def _unicode_body(reply: Reply) -> str:
    text = re.sub(r"\n{2,}", "\n", reply.text).strip()
    lines = [f"{n} {choice.label}" for n, choice in enumerate(reply.flat_choices(), 1)]
    choices = "\n".join(lines)
    if not choices:
        return fit_unicode(text)
    room = MAX_UNICODE - len(choices) - 1
    return fit_unicode(text, room) + "\n" + choices if room >= 20 else fit_unicode(choices)

"""A reply as one SMS: GSM-7 text, choices as numbered lines, two segments at most."""

from __future__ import annotations

import re

from bot.channels.sms.text import (
    MAX_SEGMENTS,
    MAX_SEPTETS,
    MAX_UNICODE,
    MAX_UNICODE_SEGMENTS,
    fit,
    fit_unicode,
    segments,
    septets,
    to_gsm7,
    utf16_units,
)
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
    if room <= 0:
        return fit(choices)
    room = max(room, 20)
    body = fit(text, room) + "\n" + choices
    while segments(body) > MAX_SEGMENTS and room > 20:  # an escape fell on a boundary
        room -= 1
        body = fit(text, room) + "\n" + choices
    return body


def _unicode_body(reply: Reply) -> str:
    text = re.sub(r"\n{2,}", "\n", reply.text).strip()
    lines = [f"{n} {choice.label}" for n, choice in enumerate(reply.flat_choices(), 1)]
    choices = "\n".join(lines)
    if not choices:
        return fit_unicode(text)
    room = MAX_UNICODE - utf16_units(choices) - 1
    if room < 20:
        return fit_unicode(choices)
    body = fit_unicode(text, room) + "\n" + choices
    while segments(body) > MAX_UNICODE_SEGMENTS and room > 20:  # a pair fell on a boundary
        room -= 1
        body = fit_unicode(text, room) + "\n" + choices
    return body

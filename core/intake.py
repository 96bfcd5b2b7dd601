"""Text from outside, as the bot takes it in: cut at a bound, without what no database keeps.

Every text that enters goes through :func:`taken_in` before anything reads it: each
channel's event (:func:`incoming_taken_in`, at the one door every channel goes through),
each field of a dashboard form, each cell of a schedule file. A message is cut at its
channel's own limit first, so that nothing after it ever works on more than that.
A NUL character (PostgreSQL cannot store one) is dropped, and so is half of a broken
UTF-16 pair (no database can store one): a person is still answered, whatever they sent.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace

from core.dialog import SMS, WHATSAPP, Incoming, Sender

TELEGRAM = "telegram"
MESSAGE_LIMITS: dict[str, int] = {TELEGRAM: 4096, WHATSAPP: 4096, SMS: 1600}
"""The longest message each channel carries, in characters: Telegram's and WhatsApp's own
limits; ten concatenated SMS segments (Twilio's 1,600 characters)."""

MESSAGE_LIMIT = 4096
"""The limit of a channel not named above (the terminal demo)."""

FIELD_LIMIT = 256
"""A sender's name, address, language, a button's data, a provider's id: short by nature
(a person's name is kept to 128 characters)."""

NUL = "\x00"


def taken_in(text: str, limit: int | None = None) -> str:
    """``text`` cut at ``limit`` characters, without NUL nor lone UTF-16 surrogate."""
    if limit is not None:
        text = text[:limit]
    if NUL in text:
        text = text.replace(NUL, "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # half of a pair, as a JSON "\ud83d" escape gives
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


BREAKING = frozenset({"Cc", "Zl", "Zp"})
"""Unicode categories of control characters (CR, LF, NEL U+0085, ESC...) and of the line
and paragraph separators (U+2028, U+2029)."""


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` on one line: each control character or line or paragraph separator a space,
    each run of spaces one, none at the ends; at most ``limit`` characters."""
    flat = "".join(" " if unicodedata.category(char) in BREAKING else char for char in text)
    return " ".join(flat.split())[:limit]


def key_taken_in(key: str) -> str:
    """A provider's id for a message as it is stored: itself when it is plain and short;
    else a digest of it, so that two odd ids never become one (a redelivery is recognised
    by its id: two messages taken for one would lose the second)."""
    if len(key) <= FIELD_LIMIT and taken_in(key) == key:
        return key
    raw = key.encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def message_limit(channel: str) -> int:
    """The longest message ``channel`` carries."""
    return MESSAGE_LIMITS.get(channel, MESSAGE_LIMIT)


def incoming_taken_in(incoming: Incoming) -> Incoming:
    """The event with its text cut at its channel's limit and every field taken in; the
    sender's name on one line (it goes into alerts and their e-mail subjects)."""
    sender = incoming.sender
    short = FIELD_LIMIT
    return replace(
        incoming,
        sender=Sender(
            taken_in(sender.channel, short),
            taken_in(sender.external_id, short),
            one_line(taken_in(sender.name, short)),
            None if sender.language is None else taken_in(sender.language, short),
        ),
        text=taken_in(incoming.text, message_limit(sender.channel)),
        choice=taken_in(incoming.choice, short),
        update_key=None if incoming.update_key is None else key_taken_in(incoming.update_key),
        media=taken_in(incoming.media, short),
    )

"""Choice data: short strings such as ``b:12`` that fit Telegram's 64-byte limit.

Data coming back from a button is untrusted: it is parsed strictly and every argument
is re-checked by the flow that handles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.i18n import LANGUAGES as SPOKEN
from core.seats.catalog import AUDIENCES

MENU = "menu"
HELP = "help"
LIST = "l"  # l:<page>[:<audience>]
AUDIENCE = "aud"
SESSION = "s"  # s:<session id>
BOOK = "b"  # b:<session id>: ask to confirm
CONFIRM = "by"  # by:<session id>: confirmed
WAIT = "w"  # w:<session id>: join the waiting list
MINE = "mine"
CANCEL_ASK = "c"  # c:<booking id>
CANCEL_CONFIRM = "cy"  # cy:<booking id>
OFFER_ACCEPT = "oa"  # oa:<booking id>
OFFER_DECLINE = "od"  # od:<booking id>
KEEP = "no"
THERE = "here"  # here:<booking id>: "I'll be there", from the reminder
FOR_OTHER = "bo"  # bo:<session id>: book for someone else, ask the first name
OTHER_NO_PHONE = "bon"  # bon:<session id>: book for them without a mobile number
REFUSE = "rf"  # rf:<booking id>: "no" to a seat someone else booked for you: cancel, no texts
PRIVACY = "data"  # the privacy notice
FORGET = "forget"  # ask to erase one's data
FORGET_CONFIRM = "forgety"  # erase, confirmed
# Organisers only (ADMIN_TELEGRAM_IDS); refused like unknown data for anyone else.
ADMIN = "adm"  # the organiser menu
ADMIN_SESSION = "as"  # as:<session id>
ADMIN_ROSTER = "ar"  # ar:<session id>
ADMIN_PRESENT = "ap"  # ap:<booking id>
ADMIN_ABSENT = "aa"  # aa:<booking id>
ADMIN_WALK_IN = "aw"  # aw:<session id>: ask the first name
ADMIN_MESSAGE = "am"  # am:<session id>: ask the text
ADMIN_MOVE = "amv"  # amv:<session id>: ask the new date
ADMIN_CANCEL = "ac"  # ac:<session id>: ask to confirm
ADMIN_CANCEL_CONFIRM = "acy"  # acy:<session id>
ADMIN_SEAT_CANCEL = "acs"  # acs:<booking id>: ask to confirm cancelling one person's seat
ADMIN_SEAT_CANCEL_CONFIRM = "acsy"  # acsy:<booking id>
ADMIN_CONFIRM = "ay"  # ay: carry out what was typed and shown (message, move)
ADMIN_ACTIONS = frozenset(
    {
        ADMIN,
        ADMIN_SESSION,
        ADMIN_ROSTER,
        ADMIN_PRESENT,
        ADMIN_ABSENT,
        ADMIN_WALK_IN,
        ADMIN_MESSAGE,
        ADMIN_MOVE,
        ADMIN_CANCEL,
        ADMIN_CANCEL_CONFIRM,
        ADMIN_SEAT_CANCEL,
        ADMIN_SEAT_CANCEL_CONFIRM,
        ADMIN_CONFIRM,
    }
)
LANGUAGES = "lang"  # the choice of language
LANGUAGE = "lg"  # lg:<code>: speak this language from now on

_WITH_ID = {
    SESSION,
    BOOK,
    CONFIRM,
    WAIT,
    CANCEL_ASK,
    CANCEL_CONFIRM,
    OFFER_ACCEPT,
    OFFER_DECLINE,
    THERE,
    FOR_OTHER,
    OTHER_NO_PHONE,
    REFUSE,
    *(ADMIN_ACTIONS - {ADMIN, ADMIN_CONFIRM}),
}
_BARE = {
    MENU,
    HELP,
    AUDIENCE,
    MINE,
    KEEP,
    PRIVACY,
    FORGET,
    FORGET_CONFIRM,
    LANGUAGES,
    ADMIN,
    ADMIN_CONFIRM,
}  # the organiser actions without an id
_MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Action:
    """A parsed choice."""

    name: str
    number: int = 0
    audience: str = ""


def encode(name: str, number: int | None = None, audience: str = "") -> str:
    """Build choice data (``audience`` also carries a language code for LANGUAGE)."""
    if name == LANGUAGE:
        return f"{LANGUAGE}:{audience}"
    if name == LIST:
        return f"{LIST}:{number or 0}" + (f":{audience}" if audience else "")
    return name if number is None else f"{name}:{number}"


def decode(data: str) -> Action | None:
    """Parse choice data; None for anything the bot did not emit itself."""
    if len(data.encode()) > 64:
        return None
    if data in _BARE:
        return Action(data)
    parts = data.split(":")
    if not all(re.fullmatch(r"[a-z0-9_]{1,20}", part) for part in parts):
        return None
    name, args = parts[0], parts[1:]
    if name == LIST and 1 <= len(args) <= 2 and args[0].isdigit():
        audience = args[1] if len(args) == 2 else ""
        if audience and audience not in AUDIENCES:
            return None
        return Action(LIST, min(int(args[0]), 10_000), audience)
    if name == LANGUAGE and len(args) == 1 and args[0] in SPOKEN:
        return Action(LANGUAGE, audience=args[0])
    if name in _WITH_ID and len(args) == 1 and args[0].isdigit():
        number = int(args[0])
        if 0 < number <= _MAX_ID:
            return Action(name, number)
    return None

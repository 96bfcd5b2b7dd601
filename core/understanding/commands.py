"""Slash commands: one name per language, what each asks for, and the menu that lists them.

Telegram command names are 1 to 32 characters of ``a-z``, ``0-9`` and ``_``
(https://core.telegram.org/bots/api#botcommand), so Arabic speakers get the English names
with Arabic descriptions. Any language's name works for everyone: a person who switched
language, or who read a poster in another, is still understood.
"""

from __future__ import annotations

import enum
import re

from core.i18n import FALLBACK, LANGUAGES
from core.understanding.reading import TextIntent


class Command(enum.StrEnum):
    """What a command asks for; the values of the recogniser's intents where one exists."""

    START = "start"
    WORKSHOPS = "workshops"
    MY_BOOKINGS = "my_bookings"
    CANCEL = "cancel"
    HELP = "help"
    PRIVACY = "privacy"
    LANGUAGE = "language"
    MENU = "menu"
    FORGET = "forget"
    ORGANISER = "organiser"


MENU: tuple[Command, ...] = (
    Command.START,
    Command.WORKSHOPS,
    Command.MY_BOOKINGS,
    Command.CANCEL,
    Command.HELP,
    Command.PRIVACY,
    Command.LANGUAGE,
)
"""The commands everyone sees in the menu, in this order."""

ORGANISER_MENU: tuple[Command, ...] = (*MENU, Command.ORGANISER)
"""What ADMIN_TELEGRAM_IDS see."""

DESCRIPTION_KEYS = {
    Command.START: "command.start",
    Command.WORKSHOPS: "command.workshops",
    Command.MY_BOOKINGS: "command.bookings",
    Command.CANCEL: "command.cancel",
    Command.HELP: "command.help",
    Command.PRIVACY: "command.data",
    Command.LANGUAGE: "command.language",
    Command.ORGANISER: "command.organiser",
}
"""Catalog key of each menu command's description."""

_ENGLISH = {
    Command.START: "start",
    Command.WORKSHOPS: "workshops",
    Command.MY_BOOKINGS: "mybookings",
    Command.CANCEL: "cancel",
    Command.HELP: "help",
    Command.PRIVACY: "privacy",
    Command.LANGUAGE: "language",
    Command.MENU: "menu",
    Command.FORGET: "forget",
    Command.ORGANISER: "admin",
}

NAMES: dict[str, dict[Command, str]] = {
    "fr": {
        Command.START: "start",
        Command.WORKSHOPS: "ateliers",
        Command.MY_BOOKINGS: "inscriptions",
        Command.CANCEL: "annuler",
        Command.HELP: "aide",
        Command.PRIVACY: "donnees",
        Command.LANGUAGE: "langue",
        Command.MENU: "menu",
        Command.FORGET: "oubli",
        Command.ORGANISER: "organisateur",
    },
    "en": _ENGLISH,
    "ar": _ENGLISH,
    "tr": {
        Command.START: "start",
        Command.WORKSHOPS: "atolyeler",
        Command.MY_BOOKINGS: "kayitlarim",
        Command.CANCEL: "iptal",
        Command.HELP: "yardim",
        Command.PRIVACY: "gizlilik",
        Command.LANGUAGE: "dil",
        Command.MENU: "menu",
        Command.FORGET: "unut",
        Command.ORGANISER: "yonetici",
    },
}
"""The name of each command in each language (``start`` everywhere: Telegram's button)."""

_VALID_NAME = re.compile(r"[a-z0-9_]{1,32}")
_BY_NAME: dict[str, Command] = {}
for _language in (FALLBACK, *LANGUAGES):  # French first, when two languages share a name
    for _command, _name in NAMES[_language].items():
        assert _VALID_NAME.fullmatch(_name), _name
        _BY_NAME.setdefault(_name, _command)


def name_of(command: Command, language: str) -> str:
    """The command's name in a language (French when the language is unknown)."""
    return NAMES.get(language, NAMES[FALLBACK])[command]


def command_named(name: str) -> Command | None:
    """The command a name (any language, any case) stands for, if any."""
    return _BY_NAME.get(name.lower())


INTENT_OF_NAME: dict[str, str] = {
    name: command.value
    for name, command in _BY_NAME.items()
    if command not in (Command.START, Command.ORGANISER)
}
"""Command name -> value of the recogniser's intent (``/start`` and the organiser's aside)."""


COMMANDS: dict[str, TextIntent] = {
    "start": TextIntent.MENU,
    "menu": TextIntent.MENU,
    "annuler": TextIntent.CANCEL,
    "cancel": TextIntent.CANCEL,
    "inscriptions": TextIntent.MY_BOOKINGS,
    "mybookings": TextIntent.MY_BOOKINGS,
    "ateliers": TextIntent.WORKSHOPS,
    "workshops": TextIntent.WORKSHOPS,
    "aide": TextIntent.HELP,
    "help": TextIntent.HELP,
    "donnees": TextIntent.PRIVACY,
    "privacy": TextIntent.PRIVACY,
    "oubli": TextIntent.FORGET,
    "forget": TextIntent.FORGET,
    "langue": TextIntent.LANGUAGE,
    "language": TextIntent.LANGUAGE,
    "stop": TextIntent.STOP,
}
COMMANDS.update({name: TextIntent(intent) for name, intent in INTENT_OF_NAME.items()})
"""Command name (without its slash, lower case) -> what it asks for."""


def command_of(text: str) -> tuple[str, str] | None:
    """('start', 's12') for '/start s12'; None when the text is not a command."""
    match = re.match(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", text.strip(), re.DOTALL)
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()

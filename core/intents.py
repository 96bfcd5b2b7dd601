"""Understanding what a person wrote: typos, missing accents and capitals forgiven.

Only the meaning is decided here. Nothing is ever booked or cancelled from a written
word alone: every such intent leads to a screen that asks for confirmation.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from rapidfuzz import fuzz, process

from core.commands import INTENT_OF_NAME
from core.intent_phrases import EXTRA_NUMBER_WORDS, EXTRA_PHRASES


class TextIntent(enum.StrEnum):
    """What a written message asks for."""

    CANCEL = "cancel"
    MY_BOOKINGS = "my_bookings"
    WORKSHOPS = "workshops"
    MENU = "menu"
    HELP = "help"
    YES = "yes"
    NO = "no"
    PRIVACY = "privacy"
    FORGET = "forget"
    LANGUAGE = "language"
    EXPLAIN = "explain"


# Whole-message phrases (normalised: lower case, no accents, no punctuation).
PHRASES: dict[TextIntent, tuple[str, ...]] = {
    TextIntent.CANCEL: (
        "annuler",
        "annule",
        "annulation",
        "annuler ma place",
        "annuler mon inscription",
        "je veux annuler",
        "je ne peux pas venir",
        "je peux pas venir",
        "je ne pourrai pas venir",
        "je pourrai pas venir",
        "desinscrire",
        "me desinscrire",
        "desinscription",
        "cancel",
        "cancel my seat",
        "i cant come",
        "i cannot come",
        "i can not come",
    ),
    TextIntent.MY_BOOKINGS: (
        "mes inscriptions",
        "mes reservations",
        "mes ateliers",
        "inscriptions",
        "reservations",
        "my bookings",
        "bookings",
    ),
    TextIntent.WORKSHOPS: (
        "ateliers",
        "voir les ateliers",
        "les ateliers",
        "atelier",
        "workshops",
        "see the workshops",
    ),
    TextIntent.MENU: ("menu", "accueil", "retour", "bonjour", "salut", "hello", "hi"),
    TextIntent.HELP: ("aide", "aider", "help", "sos", "comment ca marche", "how does it work"),
    TextIntent.EXPLAIN: (
        "je ne sais pas",
        "je sais pas",
        "sais pas",
        "chais pas",
        "je ne comprends pas",
        "je comprends pas",
        "comprends pas",
        "j ai pas compris",
        "je n ai pas compris",
        "c est quoi",
        "quoi",
        "hein",
        "i don t know",
        "i dont know",
        "dunno",
        "i don t understand",
        "what",
    ),
    TextIntent.LANGUAGE: ("langue", "language", "changer de langue", "change language"),
    TextIntent.YES: (
        "oui",
        "ouais",
        "ouai",
        "oui merci",
        "ok",
        "okay",
        "d accord",
        "daccord",
        "dac",
        "je confirme",
        "confirmer",
        "yes",
        "yep",
        "sure",
    ),
    TextIntent.NO: ("non", "nan", "non merci", "no", "nope", "no thanks"),
    TextIntent.PRIVACY: (
        "mes donnees",
        "donnees",
        "donnees personnelles",
        "confidentialite",
        "vie privee",
        "privacy",
        "my data",
    ),
    TextIntent.FORGET: (
        "oubli",
        "forget",
        "oublie moi",
        "oubliez moi",
        "m oublier",
        "effacer mes donnees",
        "supprimer mes donnees",
        "forget me",
        "delete my data",
    ),
}

# Single words that, anywhere in a short message, carry the intent.
KEYWORDS: dict[TextIntent, tuple[str, ...]] = {
    TextIntent.CANCEL: ("annuler", "annule", "annulation", "desinscrire", "cancel"),
    TextIntent.HELP: ("aide", "help"),
    TextIntent.MENU: ("menu",),
}

COMMANDS: dict[str, TextIntent] = {
    "annuler": TextIntent.CANCEL,
    "cancel": TextIntent.CANCEL,
    "inscriptions": TextIntent.MY_BOOKINGS,
    "mybookings": TextIntent.MY_BOOKINGS,
    "ateliers": TextIntent.WORKSHOPS,
    "workshops": TextIntent.WORKSHOPS,
    "menu": TextIntent.MENU,
    "aide": TextIntent.HELP,
    "help": TextIntent.HELP,
    "donnees": TextIntent.PRIVACY,
    "privacy": TextIntent.PRIVACY,
    "oubli": TextIntent.FORGET,
    "forget": TextIntent.FORGET,
    "langue": TextIntent.LANGUAGE,
    "language": TextIntent.LANGUAGE,
}
COMMANDS.update({name: TextIntent(intent) for name, intent in INTENT_OF_NAME.items()})

NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip

for _name, _phrases in EXTRA_PHRASES.items():
    PHRASES[TextIntent(_name)] = (*PHRASES.get(TextIntent(_name), ()), *_phrases)
NUMBER_WORDS.update(EXTRA_NUMBER_WORDS)
KEYWORDS[TextIntent.CANCEL] = (*KEYWORDS[TextIntent.CANCEL], "iptal", "gelemiyorum", "الغاء")

_PHRASE_INDEX = [(phrase, intent) for intent, phrases in PHRASES.items() for phrase in phrases]
_PHRASE_LIST = [phrase for phrase, _ in _PHRASE_INDEX]
_KEYWORD_INDEX = {word: intent for intent, words in KEYWORDS.items() for word in words}
MAX_ANALYSED = 200


def normalise(text: str) -> str:
    """Lower case, no accents (nor Arabic vowel marks), letters and digits, single spaces.

    Letters of every script are kept; Turkish dotless i reads as i, Arabic digits as digits.
    """
    decomposed = unicodedata.normalize(
        "NFKD", text[:MAX_ANALYSED].casefold().replace("\u0131", "i")
    )
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = bare.translate(_ARABIC_DIGITS).replace("\u0640", "")  # tatweel, the stretching line
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def command_of(text: str) -> tuple[str, str] | None:
    """('start', 's12') for '/start s12'; None when the text is not a command."""
    match = re.match(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", text.strip(), re.DOTALL)
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def number_of(text: str) -> int | None:
    """The number a short answer names: '2', 'le 2', 'deux', 'numéro 3'.

    Only a number alone or with a word that announces it counts: "une minute" or
    "un instant" is not choice 1 (on a confirmation screen, choice 1 is the yes).
    """
    words = normalise(text).split()
    if not words or len(words) > 3:
        return None
    *before, last = words
    if any(word not in NUMBER_PREFIXES for word in before):
        return None
    if last.isdigit() and len(last) <= 3:
        return int(last)
    return NUMBER_WORDS.get(last)


NUMBER_PREFIXES = frozenset(
    {"le", "la", "l", "numero", "num", "no", "n", "choix", "option", "the", "number", "choice"}
    | {"numara", "secenek", "رقم", "الرقم"}
)


STOP_WORDS = frozenset({"stop", "stop sms", "arret", "arreter", "desabonner", "unsubscribe"})
START_WORDS = frozenset({"start", "demarrer", "reprendre", "unstop", "resume"})


def opt_out_of(text: str) -> bool | None:
    """True for STOP, False for START, else None; exact words only, never guessed."""
    clean = normalise(text)
    if clean in STOP_WORDS:
        return True
    if clean in START_WORDS:
        return False
    return None


def intent_of(text: str) -> TextIntent | None:
    """The intent of a written message, or None when it is not understood."""
    if text.strip() and set(text.strip()) <= set("?¿؟ "):
        return TextIntent.EXPLAIN
    command = command_of(text)
    if command is not None:
        return COMMANDS.get(command[0])
    clean = normalise(text)
    if not clean:
        return None
    best = process.extractOne(clean, _PHRASE_LIST, scorer=fuzz.ratio, score_cutoff=82)
    if best is not None:
        return _PHRASE_INDEX[best[2]][1]
    words = clean.split()
    if len(words) > 12:
        return None
    for word in words:
        if len(word) < 4:
            continue
        hit = process.extractOne(word, list(_KEYWORD_INDEX), scorer=fuzz.ratio, score_cutoff=80)
        if hit is not None:
            return _KEYWORD_INDEX[hit[0]]
    for phrase, intent in _PHRASE_INDEX:  # a long phrase inside a longer message
        if 12 <= len(phrase) <= len(clean) and fuzz.partial_ratio(phrase, clean) >= 92:
            return intent
    return None


def best_title(text: str, titles: list[str]) -> int | None:
    """The index of the title a message names, even approximately, if one clearly does."""
    clean = normalise(text)
    if len(clean) < 5 or not titles:
        return None
    choices = [normalise(title) for title in titles]
    best = process.extractOne(clean, choices, scorer=fuzz.WRatio, score_cutoff=86)
    return None if best is None else int(best[2])

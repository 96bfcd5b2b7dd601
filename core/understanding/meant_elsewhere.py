"""Messages meant for someone else that look like requests: a notice pasted from another
sender ("Reminder: your appointment at Dr Leroy's. Reply C to cancel", "Répondez OUI pour
être rappelé", "İptal için İ yazın"), a child's absence told to a school ("Elif yarın okula
gelemeyecek", "Madame, Yanis sera absent demain", "الأستاذة المحترمة، ابني لن يحضر غداً"),
and a choice number typed after a run of one letter ("jjjjjjjj ,,,,, 9"). None asks anything
of the bot.
"""

from __future__ import annotations

import re

from core.understanding import word_lists
from core.understanding.done_elsewhere import ARABIC_PARTICLES, names_elsewhere, names_ours
from core.understanding.negation import begins_with
from core.understanding.normalising import bare

REPLY_WITH = word_lists.word_set("reply_with")
"""Verbs of another sender's notice, beside the key word it asks for: "Reply C", "Répondez
OUI", "EVET yazın"."""
NOTICE_OPENING = word_lists.word_set("notice_opening")
"""The first word of a reminder sent by someone else ("Rappel :", "Reminder:", "Hatırlatma:")."""
SCHOOL = tuple(bare(w) for w in word_lists.words("at_school"))
"""Going to school or a teacher spoken to ("okula", "à l'école", "in school", "الأستاذة")."""

_TOKEN = re.compile(r"[^\W_]+")
KEY_WORD_LETTERS = 8
"""A key word a notice asks for is short: "C", "OUI", "STOP", "INFO", "EVET"."""
_ONE_LETTER_RUN = re.compile(r"(?<![^\W\d_])([^\W\d_aehm])\1{3,}(?![^\W\d_])", re.IGNORECASE)
"""A word made of one letter typed four times or more ("jjjjjjjj", "nnnnnn"); not "mmmm",
"hhhh", "eeee" or "aaaa", which speech and hesitation write."""


def _key_word(token: str) -> bool:
    return token.isupper() and token.isalpha() and len(token) <= KEY_WORD_LETTERS


_WEB_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|(?<![@\w.-])[a-z0-9-]+\.(?:fr|com|net|org|gouv|tr|ma|dz|tn|de|be|eu|io)\b",
    re.IGNORECASE,
)
"""A web address ("doctolib.fr", "www.ameli.fr"), not an e-mail address ("marie@orange.fr")."""
OPENING_WORDS = 3
"""A notice's opening before its colon names the sender beside the reminder: "Rappel
Doctolib :"."""


def pasted_notice(text: str, words: list[str]) -> bool:
    """Whether the message is a notice from another sender: it asks to reply with a key word
    written in capitals ("Reply C to cancel", "İptal için İ yazın"), or it opens as a
    reminder ("Rappel :", "Rappel Doctolib :") of an appointment somewhere else named."""
    tokens = _TOKEN.findall(text)
    for i, token in enumerate(tokens):
        if bare(token) in REPLY_WITH:
            near = tokens[max(0, i - 1) : i] + tokens[i + 1 : i + 2]
            if any(_key_word(other) for other in near):
                return True
    opening = text.lstrip().split(":", 1)
    opening_words = [bare(word) for word in _TOKEN.findall(opening[0])]
    return (
        len(opening) == 2
        and 0 < len(opening_words) <= OPENING_WORDS
        and any(word in NOTICE_OPENING for word in opening_words)
        and names_elsewhere(words)
        and not names_ours(words)
    )


def sends_to_a_website(text: str, words: list[str]) -> bool:
    """Whether the message sends to a web address ("To cancel, go to doctolib.fr") without
    naming a workshop or a seat: an act asked there is not asked of the bot, which sends to
    none. ("je veux apprendre à aller sur ameli.fr" asks for a workshop: only an act is
    turned away.)"""
    return _WEB_ADDRESS.search(text) is not None and not names_ours(words)


def told_to_school(words: list[str]) -> bool:
    """Whether the message speaks of going to school or to a teacher, without naming a
    workshop or a seat: a child's absence, not the person's."""
    school = word_lists.says(words, tuple(p for p in SCHOOL if " " in p)) or any(
        begins_with(word, tuple(p for p in SCHOOL if " " not in p), ARABIC_PARTICLES)
        for word in words
    )
    return school and not names_ours(words)


def letters_typed_at_random(text: str) -> bool:
    """Whether the message holds a word of one letter typed over and over ("jjjjjjjj")."""
    return _ONE_LETTER_RUN.search(text) is not None

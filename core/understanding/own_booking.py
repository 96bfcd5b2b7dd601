"""Questions about one's own booking: "c'est quand mon atelier ?", "am i booked?".

Read on normalised words. A person asks about their own booking when they ask whether they are
booked ("je suis inscrite ?", "wach msjel", "kayitli miyim"), or name their own workshop or
booking with a question of date, time or status ("mon atelier c'est quand", "randevum ne zaman"),
or ask when they must come ("à quelle heure je dois venir", "imta khassni nji").
"""

from __future__ import annotations

import itertools

from core.understanding import word_lists
from core.understanding.thresholds import OWN_BOOKING_WORDS

POSSESSIVES = word_lists.word_set("possessive")
BOOKING_NOUNS = word_lists.words("booking_noun")
DARIJA_MINE = word_lists.word_set("darija_mine")
"""Mine: "dyali". ("dyal" alone is "of": "atelier dyal smartphone" names a workshop.)"""
DARIJA_NOUNS = word_lists.words("darija_booking_noun")
MY_BOOKING_ONE_WORD = word_lists.words("my_booking_one_word")

STATUS = word_lists.words("booked_status")
TIME_WORDS = word_lists.word_set("time_word")
ASKING_TIME = word_lists.word_set("asking_time")
COMING = word_lists.words("when_to_come")


OTHER_APPOINTMENTS = word_lists.words("other_appointment")


FOR_ME = word_lists.words("for_me")


def _dated(words: list[str]) -> bool:
    """A day or a time: "demain", "14h", "the 12th", "samedi"."""
    return any(any(c.isdigit() for c in w) or w in TIME_WORDS or w in DAYS for w in words)


DAYS = word_lists.word_set("day")


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in text for phrase in phrases)


def names_own_booking(words: list[str]) -> bool:
    """'mon atelier', 'my class', 'l'atelier dyali', 'randevum', 'حجزي'."""
    for before, word in itertools.pairwise(words):
        if before in POSSESSIVES and word.startswith(BOOKING_NOUNS):
            return True
    if DARIJA_MINE & set(words) and any(w.startswith(DARIJA_NOUNS) for w in words):
        return True
    return any(w.startswith(MY_BOOKING_ONE_WORD) for w in words)


WHERE = word_lists.word_set("where")
"""Where: about one's own workshop ("yarınki kursum nerede"), or else about the shop."""
ELSEWHERE = word_lists.word_set("may_or_how")
"""Where, whether one may, how or if: a question of help, not about one's own booking."""


def asks_about_own_booking(words: list[str], question_mark: bool) -> bool:
    """Whether the message asks about the person's own booking: its date, time or status."""
    text = f" {' '.join(words)} "
    if any(word.startswith(OTHER_APPOINTMENTS) for word in words) or " travail " in text:
        return False  # "doktor randevum 2 nisanda": another appointment
    if question_mark and _has(text, FOR_ME) and _dated(words):
        return True  # "c bien demain 14h pour moi ?", "is it the 12th or 13th for me?"
    where = WHERE & set(words) and not ELSEWHERE & set(words)
    if where and (names_own_booking(words) or _has(text, STATUS)):
        return True  # "où est mon atelier", "where is the class i booked", "kursum nerede"
    if ELSEWHERE & set(words) or WHERE & set(words) - {"ou"}:
        return False
    if " ou " in text and not _has(text, ("ou pas", "ou non")):
        return False
    if _has(text, STATUS):
        return True
    timed = bool(TIME_WORDS & set(words))
    if names_own_booking(words) and (timed or question_mark or len(words) <= OWN_BOOKING_WORDS):
        return True
    asking = question_mark or bool(ASKING_TIME & set(words))
    return asking and _has(text, COMING)


KNOWING = word_lists.words("knowing")
"""Verbs of wanting to know: beside a negated cancel, the person asks about their booking."""


def wants_to_know(words: list[str]) -> bool:
    """'je veux juste savoir l'heure', 'i just want to check the time', 'saati öğrenmek'."""
    return any(word.startswith(KNOWING) for word in words)

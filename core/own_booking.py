"""Questions about one's own booking: "c'est quand mon atelier ?", "am i booked?".

Read on normalised words. A person asks about their own booking when they ask whether they are
booked ("je suis inscrite ?", "wach msjel", "kayitli miyim"), or name their own workshop or
booking with a question of date, time or status ("mon atelier c'est quand", "randevum ne zaman"),
or ask when they must come ("à quelle heure je dois venir", "imta khassni nji").
"""

from __future__ import annotations

import itertools

POSSESSIVES = frozenset({"mon", "ma", "mes", "my"})
BOOKING_NOUNS = (
    "atelier", "cours", "cour", "rdv", "rendez", "reservation", "inscription", "horaire",
    "seance", "formation", "place", "session", "class", "workshop", "booking", "appointment",
    "seat", "course", "registration", "spot", "lesson",
)  # fmt: skip
DARIJA_MINE = frozenset({"ديالي", "dyali", "diali", "dialy", "dyaly"})
"""Mine: "dyali". ("dyal" alone is "of": "atelier dyal smartphone" names a workshop.)"""
DARIJA_NOUNS = (
    "ورش", "الورش", "حجز", "الحجز", "تسجيل", "التسجيل", "بلاص", "البلاص", "موعد", "الموعد",
    "atelier", "formation", "inscription", "reservation", "blas", "lblas", "maw3id", "lmaw3id",
    "wa9t", "lwa9t", "cours",
)  # fmt: skip
ARABIC_MINE = ("حجزي", "موعدي", "تسجيلي", "ورشتي", "بلاصتي", "blasti")
TURKISH_MINE = (
    "kaydim", "kayitlarim", "kaydimi", "randevum", "rezervasyonum", "atolyem", "kursum",
    "yerim", "kayitli", "kaydoldum", "kaydettiniz", "yazildigim", "kaydoldugum",
)  # fmt: skip
STATUS = (
    "suis inscrit", "suis inscrite", "suis bien inscrit", "m avez inscrit", "m avez bien inscrit",
    "suis note", "suis bien note", "suis sur la liste", "suis prevu", "j ai reserve",
    "ai une place", "suis enregistre", "m avez enregistre", "m a inscrit", "m a bien inscrit",
    "am i registered", "am i booked", "am i signed", "am i on", "am i down", "am i in",
    "did i book", "have i got a place", "do i have a booking", "do i have a place",
    "what did i book", "what did i sign", "i booked", "have i booked", "what have i booked",
    "msjel", "msajal", "tsjlt", "tsajalt", "sjeltouni", "tsjjlt", "t9iyadt", "مسجل",
    "تسجلت", "سجلتوني", "تم تسجيلي", "تقيدت", "kayitli miyim", "kaydim var",
)  # fmt: skip
TIME_WORDS = frozenset(
    {"quand", "heure", "date", "jour", "horaire", "when", "time", "day", "imta", "fo9ach",
     "fou9ach", "foqach", "fuqash", "فوقاش", "امتى", "متى", "وقت", "الوقت", "wa9t", "lwa9t",
     "sa3a", "ساعه", "الساعه", "نهار", "nhar", "zaman", "saat", "gun", "hangi", "still",
     "toujours", "valable", "confirme", "confirmed", "gecerli", "mzyan", "مزيان", "next",
     "prochain", "prochaine"}
)  # fmt: skip
ASKING_TIME = frozenset(
    {"quand", "heure", "when", "time", "imta", "fo9ach", "fou9ach", "foqach", "فوقاش", "امتى",
     "متى", "zaman", "kac", "kacta", "saat"}
)  # fmt: skip
COMING = (
    "je dois venir", "dois je venir", "faut venir", "je dois etre", "je viens", "i come",
    "should i come", "do i come", "need to come", "have to come", "i be there", "to be there",
    "khasni nji", "khassni nji", "خاصني نجي", "نجي", "nji", "nkoun", "نكون", "gelmem",
    "gelmeliyim", "gelecegim", "olmaliyim", "olmam",
)  # fmt: skip


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in text for phrase in phrases)


def names_own_booking(words: list[str]) -> bool:
    """'mon atelier', 'my class', 'l'atelier dyali', 'randevum', 'حجزي'."""
    for before, word in itertools.pairwise(words):
        if before in POSSESSIVES and word.startswith(BOOKING_NOUNS):
            return True
    if DARIJA_MINE & set(words) and any(w.startswith(DARIJA_NOUNS) for w in words):
        return True
    return any(w.startswith(ARABIC_MINE) or w.startswith(TURKISH_MINE) for w in words)


SHORT = 4
"""'mes ateliers', 'my next class': naming one's own bookings alone asks to see them."""
ELSEWHERE = frozenset(
    {"where", "fin", "فين", "nereye", "nerede", "adresse", "address", "peux", "peut",
     "can", "could", "n9der", "nqder", "نقدر", "يمكنني", "يمكن", "si", "if", "ila", "اذا",
     "الا", "ممكن", "لو",
     "comment", "how", "kifach", "كيفاش", "كيف", "nasil", "sans", "without", "bla", "بلا"}
)  # fmt: skip
"""Where, whether one may, how or if: a question of help, not about one's own booking."""


def asks_about_own_booking(words: list[str], question_mark: bool) -> bool:
    """Whether the message asks about the person's own booking: its date, time or status."""
    text = f" {' '.join(words)} "
    if ELSEWHERE & set(words) or (" ou " in text and not _has(text, ("ou pas", "ou non"))):
        return False
    if _has(text, STATUS):
        return True
    timed = bool(TIME_WORDS & set(words))
    if names_own_booking(words) and (timed or question_mark or len(words) <= SHORT):
        return True
    asking = question_mark or bool(ASKING_TIME & set(words))
    return asking and _has(text, COMING)

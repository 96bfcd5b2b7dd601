"""Questions about one's own booking: "c'est quand mon atelier ?", "am i booked?".

Read on normalised words. A person asks about their own booking when they ask whether they are
booked ("je suis inscrite ?", "wach msjel", "kayitli miyim"), or name their own workshop or
booking with a question of date, time or status ("mon atelier c'est quand", "randevum ne zaman"),
or ask when they must come ("à quelle heure je dois venir", "imta khassni nji").
"""

from __future__ import annotations

import itertools

from core.understanding.thresholds import OWN_BOOKING_WORDS

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
    "did i book", "have i got a place", "signed up for", "i signed up", "ai combien",
    "combien d ateliers", "what i booked", "do i have a booking", "do i have a place",
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
    "je dois venir", "dois je venir", "faut venir", "je dois etre", "je viens a", "i come",
    "should i come", "do i come", "need to come", "have to come", "i be there", "to be there",
    "khasni nji", "khassni nji", "خاصني نجي", "نجي", "nji", "nkoun", "نكون", "gelmem",
    "gelmeliyim", "gelecegim", "olmaliyim", "olmam",
)  # fmt: skip


OTHER_APPOINTMENTS = (
    "medecin", "docteur", "dentiste", "hopital", "coiffeur", "doctor", "dentist", "hospital",
    "mediatheque", "bibliotheque", "library", "pole emploi", "france travail", "club", "ecole",
    "school", "gym", "universite", "university", "fac",
    "doktor", "hastane", "kuafor", "طبيب", "الطبيب", "المستشفى", "tbib", "sbitar",
)  # fmt: skip


FOR_ME = ("pour moi", "for me", "benim icin", "liya", "ليا")


def _dated(words: list[str]) -> bool:
    """A day or a time: "demain", "14h", "the 12th", "samedi"."""
    return any(any(c.isdigit() for c in w) or w in TIME_WORDS or w in DAYS for w in words)


DAYS = frozenset(
    {"demain", "tomorrow", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
     "dimanche", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
     "yarin", "ghda", "غدا", "غدوه"}
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


WHERE = frozenset({"where", "fin", "فين", "nereye", "nerede", "ou", "اين", "وين", "fine"})
"""Where: about one's own workshop ("yarınki kursum nerede"), or else about the shop."""
ELSEWHERE = frozenset(
    {"adresse", "address", "peux", "peut",
     "can", "could", "n9der", "nqder", "نقدر", "يمكنني", "يمكن", "si", "if", "ila", "اذا",
     "الا", "ممكن", "لو",
     "comment", "how", "kifach", "كيفاش", "كيف", "nasil", "sans", "without", "bla", "بلا"}
)  # fmt: skip
"""Where, whether one may, how or if: a question of help, not about one's own booking."""


def asks_about_own_booking(words: list[str], question_mark: bool) -> bool:
    """Whether the message asks about the person's own booking: its date, time or status."""
    text = f" {' '.join(words)} "
    if any(word.startswith(OTHER_APPOINTMENTS) for word in words) or " travail " in text:
        return False  # "doktor randevum 2 nisanda": another appointment
    if question_mark and _has(text, FOR_ME) and _dated(words):
        return True  # "c bien demain 14h pour moi ?", "is it the 12th or 13th for me?"
    if WHERE & set(words) and not ELSEWHERE & set(words) and names_own_booking(words):
        return True  # "où est mon atelier", "where is my class", "kursum nerede"
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


KNOWING = (
    "savoir", "connaitre", "verifi", "know", "check", "ogren", "bilmek", "bileyim", "n3ref",
    "n3rf", "نعرف", "اعرف", "أعرف", "معرفه",
)  # fmt: skip
"""Verbs of wanting to know: beside a negated cancel, the person asks about their booking."""


def wants_to_know(words: list[str]) -> bool:
    """'je veux juste savoir l'heure', 'i just want to check the time', 'saati öğrenmek'."""
    return any(word.startswith(KNOWING) for word in words)

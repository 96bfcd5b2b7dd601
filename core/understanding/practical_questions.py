"""Practical questions: the shop's phone number, address and opening hours, what to bring,
whether it is free. They ask for help.

"C quoi le numéro de la boutique" names a number but asks for help, not about one's data;
"il faut ramener son téléphone ?" names a phone but asks what to bring, not for a workshop.
"""

from __future__ import annotations

from core.understanding.data_questions import QUESTION_WORDS
from core.understanding.negation import asks

CONTACT = (
    "numero", "num", "tel", "phone", "number", "numara", "telefon", "رقم", "هاتف", "nimero",
    "horaire", "adres", "address", "hours",
)  # fmt: skip
SHOP = (
    "boutique", "magasin", "shop", "store", "magaza", "dukkan", "متجر", "محل", "المتجر",
    "المحل", "hanout", "7anout", "centre", "center", "merkez", "accueil", "orange",
)  # fmt: skip
OPENING = (
    "ouvr", "ouvert", "ferm", "open", "clos", "acik", "aciyor", "acilis", "kapan", "kat7l",
    "t7lo", "7lou", "تفتح", "يفتح", "تفتحو", "كتحلو", "تحلو", "مفتوح",
)  # fmt: skip
WHEN = (
    "heure", "quand", "horaire", "hours", "when", "time", "kacta", "saat", "wa9tach",
    "wa9t", "imta", "fo9ach", "فوقاش", "امتى", "متى", "وقت", "samedi", "dimanche", "lundi",
    "saturday", "sunday", "monday", "cumartesi", "pazar", "السبت", "الاحد", "sbt", "l7ed",
)  # fmt: skip
BRINGING = (
    "ramen", "apport", "amen", "bring", "getir", "نجيب", "نجيبو", "njib", "jib", "احضر",
    "prete", "lend", "odunc",
)  # fmt: skip
FREE = (
    "c est gratuit", "est ce gratuit", "c est payant", "faut payer", "ca coute", "is it free",
    "is this free", "is it paid", "have to pay", "need to pay", "does it cost", "ucretli mi",
    "ucretsiz mi", "para var mi", "para odu", "الورشات مجانيه", "هي مجانيه", "بالفلوس",
    "خاص نخلص", "khas nkhles", "b flous", "bel flous", "c gratuit",
)  # fmt: skip
"""Whether it costs anything, asked of the workshops ("c'est gratuit ?"), not "free
workshops?" which asks for the list."""


def asks_practical(words: list[str], question_mark: bool) -> bool:
    """Whether the message asks how to reach the shop, when it opens, what to bring or
    whether it costs anything."""
    question = asks(words, question_mark) or bool(QUESTION_WORDS & set(words))
    if _opening(words) and _any(words, WHEN):
        return True
    if not question:
        return False
    if _any(words, CONTACT) and _any(words, SHOP):
        return True
    text = f" {' '.join(words)} "
    return _any(words, BRINGING) or any(f" {cost}" in text for cost in FREE)


def _any(words: list[str], stems: tuple[str, ...]) -> bool:
    return any(word.startswith(stems) for word in words)


def _opening(words: list[str]) -> bool:
    return _any(words, OPENING) or "opening" in words

"""Practical questions: the shop's phone number, address and opening hours, what to bring,
whether it is free. They ask for help.

"C quoi le numéro de la boutique" names a number but asks for help, not about one's data;
"il faut ramener son téléphone ?" names a phone but asks what to bring, not for a workshop.
"""

from __future__ import annotations

from core.understanding import word_lists
from core.understanding.data_questions import QUESTION_WORDS
from core.understanding.negation import asks

CONTACT = word_lists.words("contact")
SHOP = word_lists.words("shop")
OPENING = word_lists.words("opening")
WHEN = word_lists.words("when")
BRINGING = word_lists.words("bringing")
OTHER_PLACE = word_lists.words("other_place")
"""Another place whose hours one may ask ("la mairie", "the town hall", "belediye")."""
SHOP_GOODS = word_lists.words("shop_goods")
"""What the phone shop sells ("une protection d'écran", "ekran koruyucu"): a shopper's
question, not one about the workshops."""
FREE = word_lists.words("cost_question")
"""Whether it costs anything, asked of the workshops ("c'est gratuit ?"), not "free
workshops?" which asks for the list."""


def asks_practical(words: list[str], question_mark: bool) -> bool:
    """Whether the message asks how to reach the shop, when it opens, what to bring or
    whether it costs anything."""
    question = asks(words, question_mark) or bool(QUESTION_WORDS & set(words))
    text = f" {' '.join(words)} "
    if any(f" {place}" in text for place in (*OTHER_PLACE, *SHOP_GOODS)):
        return False  # "la mairie est ouverte samedi ?", "open on sunday? need a screen protector"
    if _opening(words) and _any(words, WHEN):
        return True
    if not question:
        return False
    if _any(words, CONTACT) and _any(words, SHOP):
        return True
    return _any(words, BRINGING) or any(f" {cost}" in text for cost in FREE)


def _any(words: list[str], stems: tuple[str, ...]) -> bool:
    return any(word.startswith(stems) for word in words)


def _opening(words: list[str]) -> bool:
    return _any(words, OPENING) or "opening" in words

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
CLASS_PEOPLE = word_lists.words("class_people")
"""The classes and who gives them: "le formateur", "the class", "hoca", "الأستاذ"."""
SPEAKING = word_lists.words("speaking")
"""Speaking a language: "parle", "in English", "konuşan", "كيهضر"."""
LANGUAGE_NAMES = word_lists.words("language_name")
LANGUAGE_NEAR_CLASS = 5
"""How many words apart a language and the classes may stand to be said of each other."""
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


def asks_language_of_classes(words: list[str], question_mark: bool) -> bool:
    """'le formateur parle arabe ?', 'is the class in English?', 'kursta Arapça bilen var
    mi', 'الأستاذ كيهضر بالعربية؟': the language the classes are given in, a practical
    question; not a wish that the bot write in another language."""
    if not asks(words, question_mark) or not _any(words, CLASS_PEOPLE):
        return False
    text = f" {' '.join(words)} "
    spoken = _any(words, SPEAKING) or any(f" {phrase} " in text for phrase in SPEAKING)
    named = [
        i
        for i, word in enumerate(words)
        if word.startswith(LANGUAGE_NAMES) or word.endswith(LANGUAGE_NAMES)
    ]
    classes = [i for i, word in enumerate(words) if word.startswith(CLASS_PEOPLE)]
    near = any(abs(i - j) <= LANGUAGE_NEAR_CLASS for i in named for j in classes)
    return spoken and near

"""What a yes is made of, and what looks like a yes without being one.

A yes confirms a booking or a cancellation, so it is read only from a yes word or phrase,
never from thanks, a goodbye, a message sent to the wrong chat or who comes along.
"""

from __future__ import annotations

from core.understanding import word_lists

THANK_WORDS = word_lists.word_set("thank")
"""Words that thank: with "ok" alone they close a talk."""
THANKS = word_lists.word_set("thank", "said_with_thanks")
"""A message made only of these words thanks; it is never consent."""
FAREWELLS = word_lists.word_set("farewell")
"""A message that says goodbye does not consent to anything."""

MISSENT = word_lists.words("sent_to_wrong_chat")
"""A yes sent to the wrong chat, or to be ignored, is not consent."""

YES_WORDS = word_lists.word_set("yes", "yes_in_a_sentence")
"""A yes is read only when one of these words is written: "ouistiti" or "okapi" are not."""

YES_PHRASES = word_lists.words("yes_phrase")

COMING_ONLY = word_lists.word_set("coming")
COMPANY = word_lists.word_set("company")

AWAY = word_lists.words("away")
"""Words that say one will be away: never a yes, even beside "je serai"."""


def thanks_only(words: list[str]) -> bool:
    """'merci beaucoup', 'ok merci': thanks that close a talk ("ok" alone with praise is a yes)."""
    only = all(word in THANKS for word in words) and not {"oui", "yes"} & set(words)
    return only and ("ok" not in words or bool(THANK_WORDS & set(words)))


FAREWELL_ALONE = frozenset(word_lists.words("farewell_alone"))


def only_farewell(words: list[str]) -> bool:
    """'see ya', 'merci, à plus', 'iyi günler': a goodbye (with thanks at most) and nothing
    else."""
    rest = [word for word in words if word not in THANK_WORDS]
    return bool(rest) and (" ".join(rest) in FAREWELL_ALONE or all(w in FAREWELLS for w in rest))


def says_farewell(words: list[str]) -> bool:
    """'bonne journée', 'bye', 'bslama'."""
    return bool(FAREWELLS & set(words))


def says_yes(words: list[str]) -> bool:
    """Whether a yes word or phrase is written."""
    return any(word in YES_WORDS for word in words) or word_lists.says(words, YES_PHRASES)


def not_for_us(words: list[str]) -> bool:
    """'sorry, wrong number', 'ignore that': sent to the wrong chat."""
    text = f" {' '.join(words)} "
    return any(f" {phrase}" in text for phrase in MISSENT)


def brings_company(words: list[str]) -> bool:
    """'je viendrai avec mes 2 enfants', 'eşimle geleceğim': who comes along, not a consent."""
    coming_only = not {w for w in words if w in YES_WORDS} - COMING_ONLY
    company = bool(COMPANY & set(words)) or any(
        len(w) > 4 and w.endswith(("imle", "imla", "iyle", "yla", "yle")) for w in words
    )
    return coming_only and company


def darija_not(words: list[str]) -> bool:
    """'ma b9itch', 'ma ghadich': darija "ma ... ch" around a verb."""
    return any(
        i > 0 and words[i - 1] in ("ma", "mat", "m") and word.endswith(("ch", "sh"))
        for i, word in enumerate(words)
    )


def away(words: list[str]) -> bool:
    """'je serai absente', 'un empêchement': one will be away."""
    return any(w.startswith(AWAY) for w in words)

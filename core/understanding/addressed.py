"""Words said to someone else: "yes mum I'm coming", "oui docteur je prendrai les cachets",
"evet anne geliyorum", "نعم يا أمي", "wakha a khti", "ok boomer", "stop les gars", "stop it
you're making me laugh".

A yes or a stop that names the one it speaks to, right before or right after it, speaks to
that person: it is no consent to the bot and no opt-out of its messages. The people so named
are a word list per language (``addressee``); the bot's own people ("madame", "hocam") are
not in it. A stop beside laughter ("tu me fais rire", "güldürme", "dhaktini") bears on a
person's behaviour, not on the messages.
"""

from __future__ import annotations

import re

from core.understanding import word_lists
from core.understanding.normalising import bare

ADDRESSEES = tuple(bare(w) for w in word_lists.words("addressee"))
"""Someone spoken to (one or two words each): "maman", "love", "anne", "يا", "a khti"."""
LAUGHTER = tuple(bare(w) for w in word_lists.words("laughter"))
"""Stems of laughter and jokes."""
LAUGHING_FACES = ("😂", "🤣", "😆", "😹")
STOPPING = word_lists.words("stopping_verb")
"""Stems of stopping: said to a person, a stop bears on what that person does."""
STOPPING_ALONE = word_lists.word_set("stopping_alone")
"""Words that stop something, each as a whole word ("dur ya", "baraka 3lik")."""
LAUGHING_STOP_WORDS = 4
"""A stop beside laughter bears on a person only in a sentence of at least this many words:
"STOP lol" still stops the messages."""


VOCATIVES = word_lists.word_set("vocative")
"""Darija and Arabizi particles before the one spoken to: "iyeh a baba", "wakha ya mama"
(Arabic "يا" is in the list itself)."""


def _begins_addressee(words: list[str], at: int) -> bool:
    """Whether the words from index ``at`` begin with someone spoken to ("a" or "ya" before
    them as a particle: "a baba")."""
    if not 0 <= at < len(words):
        return False
    if words[at] in VOCATIVES and at + 1 < len(words) and words[at + 1] in ADDRESSEES:
        return True
    pair = " ".join(words[at : at + 2])
    return any(words[at] == a or pair == a for a in ADDRESSEES)


def spoken_to(words: list[str], at: int) -> bool:
    """Whether the word at ``at`` is said to someone named right after it ("yes mum", "نعم يا
    أمي") or right before it, opening the message ("maman oui j'arrive")."""
    if _begins_addressee(words, at + 1):
        return True
    return at in (1, 2) and _begins_addressee(words, 0) and not _begins_addressee(words, at)


def yes_to_someone(words: list[str], yes_words: frozenset[str]) -> bool:
    """'yes mum I'm coming', 'evet anne geliyorum', 'wakha a khti': a yes said to someone."""
    return any(w in yes_words and spoken_to(words, i) for i, w in enumerate(words))


def laughs(words: list[str], text: str = "") -> bool:
    """'tu me fais rire', 'güldürme beni', 'dhaktini', '😂': laughter or a joke."""
    return any(w.startswith(LAUGHTER) for w in words) or any(f in text for f in LAUGHING_FACES)


KNOWN_WORDS = frozenset(
    bare(word) for table in word_lists.BY_LANGUAGE.values() for ideas in table.values()
    for word in ideas
)  # fmt: skip
"""Every word of every list: a first word found here is no one's name ("Bonjour, stop")."""
_NAME_THEN_COMMA = re.compile(r"^\s*([^\W\d_][^\W\d_'-]+)\s*,\s*([^\W\d_]+)")


def named_then_stop(text: str) -> bool:
    """'Tom, stop it', 'Ahmet, dur': a first name written with its capital, then a comma,
    then a stop: said to that person. A word the lists know is no name ("Merci, stop")."""
    found = _NAME_THEN_COMMA.match(text)
    if found is None:
        return False
    name, after = found.group(1), bare(found.group(2))
    if not name[0].isupper() or name.isupper() or bare(name) in KNOWN_WORDS:
        return False
    return after.startswith(STOPPING) or after in STOPPING_ALONE


def stop_to_someone(words: list[str], text: str = "") -> bool:
    """'stop it you're making me laugh 😂', 'stop les gars on se calme', 'arrête maman': a stop
    said to someone or beside laughter (the messages unnamed; the caller checks that)."""
    stops = [i for i, w in enumerate(words) if w.startswith(STOPPING) or w in STOPPING_ALONE]
    if not stops:
        return False
    if named_then_stop(text):
        return True
    if any(spoken_to(words, i) for i in stops):
        return True
    return len(words) >= LAUGHING_STOP_WORDS and laughs(words, text)


def opens_spoken_to(words: list[str]) -> bool:
    """'Chef je pourrai pas venir demain', 'maman je viens pas ce soir': a message that opens
    by naming the one it speaks to, someone other than the bot's people. A place or a person
    one goes to ("doktor randevum var, gelemiyorum") is what the message is about, not whom
    it speaks to."""
    return _begins_addressee(words, 0) and not (words[0].startswith(ELSEWHERE))


ELSEWHERE = tuple(bare(w) for w in word_lists.words("elsewhere"))
"""Stems of somewhere or someone else one goes to: "doktor", "dentiste"."""

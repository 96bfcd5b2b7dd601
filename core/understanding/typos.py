"""Misspelt key words: 'je confrime', 'anunler', 'suprimer' read as the word they miss.

Only the words that act or confirm (``key_word`` in ``words/*.toml``) are corrected, and only
a word of six letters or more that starts like one of them and is one letter, or one swap of
two letters, away from it. Real words that close (``not_a_typo``: "conforme") never change.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from core.understanding import word_lists
from core.understanding.thresholds import TYPO_MIN_LETTERS

KEY_WORDS = frozenset(word_lists.words("key_word"))
NOT_TYPOS = frozenset(word_lists.words("not_a_typo"))


@lru_cache(maxsize=4096)
def corrected(word: str) -> str:
    """The key word ``word`` misspells, else ``word`` itself."""
    if len(word) < TYPO_MIN_LETTERS or word in KEY_WORDS or word in NOT_TYPOS:
        return word
    if not word.isascii() or not word.isalpha():
        return word
    close = [
        key
        for key in KEY_WORDS
        if key[0] == word[0]
        and abs(len(key) - len(word)) <= 1
        and DamerauLevenshtein.distance(word, key) <= 1
    ]
    return close[0] if len(close) == 1 else word

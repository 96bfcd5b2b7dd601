"""Misspelt key words: 'je confrime', 'anunler', 'suprimer' read as the word they miss.

Only the words that act or confirm (``key_word`` in ``words/*.toml``) are corrected, and only
a word of six letters or more that starts like one of them and is one letter, or one swap of
two letters, away from it, or a word of five letters that is a six-letter key word without its
last letter ("delet"). Real words that close (``not_a_typo``: "conforme") never change.
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
    if word in KEY_WORDS or word in NOT_TYPOS or not word.isascii() or not word.isalpha():
        return word
    if len(word) == TYPO_MIN_LETTERS - 1:  # its last letter dropped: "delet", "cance"
        cut = [key for key in KEY_WORDS if len(key) == TYPO_MIN_LETTERS and key[:-1] == word]
        return cut[0] if len(cut) == 1 else word
    if len(word) < TYPO_MIN_LETTERS:
        return word
    close = [
        key
        for key in KEY_WORDS
        if key[0] == word[0]
        and abs(len(key) - len(word)) <= 1
        and DamerauLevenshtein.distance(word, key) <= 1
    ]
    return close[0] if len(close) == 1 else word

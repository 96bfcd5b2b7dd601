"""Misspelt key words and answer words read as the word they miss.

Key words ('je confrime', 'anunler', 'suprimer'): only the words that act or confirm
(``key_word`` in ``words/*.toml``) are corrected, and only a word of six letters or more that
starts like one of them and is one letter, or one swap of two letters, away from it, or a word
of five letters that is a six-letter key word without its last letter ("delet").

Answer words ("evett", "wakhaa", "نعمم", "le trosieme", "the thrid one", "birnci", "الرابغ"):
the yes and no words, the number words and ordinals, and the words that name a choice
(``answer_key_word``: "number", "numero") are short, and a yes or a choice read wrongly acts,
so they are corrected more narrowly (``answer_word``):
- a letter typed twice: "evett", "نعمم", "اييه", "الخامسس", "quatriemme" (words of three
  letters or more);
- two letters swapped, the first kept: "thrid", "oen";
- for words of six letters or more, with the same first letter, one letter typed with a key
  beside it on the keyboard ("الرابغ": غ beside ع), or in Latin letters one letter missing or
  slipped in inside the word ("trosieme", "birnci", "numbr"; Arabic words are too close to one
  another for that: "الخير" is no "الخيار").
A word that any word list names is real and never changes, nor one of ``not_a_typo`` ("tow",
"there", "noon"), nor a word close to two answer words.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from core.understanding import word_lists
from core.understanding.thresholds import ANSWER_TYPO_MIN_LETTERS, TYPO_MIN_LETTERS

KEY_WORDS = frozenset(word_lists.words("key_word"))
NOT_TYPOS = frozenset(word_lists.words("not_a_typo"))


def _single(words: frozenset[str] | set[str]) -> frozenset[str]:
    """The words of one word of letters only (no digits, no spaces)."""
    return frozenset(w for w in words if w.isalpha() and len(w) >= 3)


ANSWER_WORDS = _single(
    set(word_lists.word_set("yes", "yes_alone", "no", "answer_key_word"))
    | set(word_lists.numbers("cardinal"))
    | set(word_lists.numbers("ordinal"))
)
"""The words a short answer or a choice is made of."""

KNOWN = frozenset(
    word
    for idea in word_lists.IDEAS
    for phrase in word_lists.words(idea)
    for word in phrase.split()
) | frozenset(
    word
    for name in ("spelling", "spelling_in_this_language")
    for language in word_lists.LANGUAGES
    for key, value in word_lists.spellings(name, language).items()
    for word in (*key.split(), *value.split())
)
"""Every word the word lists name: real words, never read as a slip."""

NEIGHBOURS: dict[str, frozenset[str]] = {}
"""Each letter's keys beside it on the keyboards people type on (``keyboard_row``)."""
for _row in word_lists.words("keyboard_row"):
    for _i, _key in enumerate(_row):
        _beside = {_row[j] for j in (_i - 1, _i + 1) if 0 <= j < len(_row)}
        NEIGHBOURS[_key] = NEIGHBOURS.get(_key, frozenset()) | _beside


@lru_cache(maxsize=4096)
def corrected(word: str) -> str:
    """The key word or answer word ``word`` misspells, else ``word`` itself."""
    if word in NOT_TYPOS or not word.isalpha():
        return word
    if word not in KNOWN:
        answer = answer_word(word)
        if answer != word:
            return answer
    if word in KEY_WORDS or not word.isascii():
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


def _doubled(word: str, answer: str) -> bool:
    """'evett' is "evet" with a letter typed twice."""
    return any(
        word[i] == word[i + 1] and word[:i] + word[i + 1 :] == answer for i in range(len(word) - 1)
    )


def _swapped(word: str, answer: str) -> bool:
    """'thrid' is "third" with two letters swapped, the first kept; a word of three letters
    only in Latin letters (Arabic "الو", hello, is "اول", first, swapped)."""
    if len(word) != len(answer) or (len(word) == 3 and not word.isascii()):
        return False
    return any(
        word[:i] + word[i + 1] + word[i] + word[i + 2 :] == answer for i in range(1, len(word) - 1)
    )


def _slipped(word: str, answer: str) -> bool:
    """'trosieme', 'birnci', 'numbr', 'الرابغ': a long word with one letter typed with a key
    beside the right one, or, in Latin letters, one letter missing or slipped in inside the
    word (not at its end, where "numbers" or "premiers" have their plural)."""
    if len(answer) < ANSWER_TYPO_MIN_LETTERS or len(word) < ANSWER_TYPO_MIN_LETTERS - 1:
        return False
    if word[0] != answer[0] or abs(len(word) - len(answer)) > 1:
        return False
    if DamerauLevenshtein.distance(word, answer) != 1:
        return False
    if len(word) != len(answer):  # one letter missing or slipped in
        return word.isascii() and word[-1] == answer[-1] and word[:-1] != answer[:-1]
    differ = [(a, b) for a, b in zip(word, answer, strict=True) if a != b]
    return len(differ) == 1 and differ[0][0] in NEIGHBOURS.get(differ[0][1], frozenset())


@lru_cache(maxsize=4096)
def answer_word(word: str) -> str:
    """The yes, no or number word ``word`` misspells, else ``word`` itself."""
    if word in ANSWER_WORDS or word in NOT_TYPOS or len(word) < 3:
        return word
    close = {
        answer
        for answer in ANSWER_WORDS
        if abs(len(answer) - len(word)) <= 1
        and (_doubled(word, answer) or _swapped(word, answer) or _slipped(word, answer))
    }
    return close.pop() if len(close) == 1 else word

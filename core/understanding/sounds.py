"""Key words and answer words written as they sound, read as the word they sound like.

People who learned to write by ear write "kansel", "dilete", "numba 3", "the furst one",
"le deusième", "éfassé mon numéro", "suprimé", "nomero 2". The slips of ``typos`` are one
letter away; these are further away in letters but close in sound. Each word is reduced to a
rough key of its sounds (``sound_key``: "ph" is "f", "c" before "e" is "s", "x" and "z" are
"s", doubled letters once), and a word whose key is at most one sound away from that of a key
word, a word that names a choice ("numero"), a number word or an erase word (French or
English, four letters or more), with the same consonants (``_skeleton``), reads as that
word, when every such word means one thing; a number word, as short as a first name, only on
the very same sounds. Yes and no words are not looked for by their sound: a first name is
too often one sound from them ("Zahra" from "sure", "Rita" from "righto").

A real word is never changed, even when it sounds like one ("council" is no "cancel",
"tard" no "third", "conform" no "confirm"): those of the word lists, and the frequent French
and English words that share a key with a target (``data/sound_alikes.txt``, built by
``tools/build_sound_alikes.py`` from the ``wordfreq`` lists). Arabic and Turkish messages are
left to ``typos``: their spellings by ear are the word lists' own.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from core.understanding import typos, word_lists

SOUND_MIN_LETTERS = 4
"""Shorter words ("sis", "yus") are too close to too many others."""

SOUND_KEY_MIN = 3
"""A key of fewer sounds names too many words."""

BY_EAR = ("fr", "en")
"""The languages whose words are looked for by their sound."""

_FOLDS = (
    (re.compile(r"(er|ez|et|ai|ais|ait|ur|a)$"), "e"),  # "annulez", "number", "numbur", "numba"
    (re.compile(r"ph"), "f"),
    (re.compile(r"gh"), ""),  # "alright" sounds "alrite"
    (re.compile(r"th"), "t"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"qu?"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"[xz]"), "s"),
    (re.compile(r"y"), "i"),
    (re.compile(r"h"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)
_VOWELS = re.compile(r"[aeiou]+")


def sound_key(word: str) -> str:
    """How a plain Latin word sounds, roughly: "cancel" and "kansel" are "kansel",
    "effacer" and "efassé" "efase", "deuxieme" and "deusieme" "deusieme"."""
    for pattern, replacement in _FOLDS:
        word = pattern.sub(replacement, word)
    return word


def _skeleton(key: str) -> str:
    """A sound key with every run of vowels one vowel and the last vowel dropped: the words
    it may be confused with ("first" and "furst" both "farst")."""
    coarse = _VOWELS.sub("a", key)
    return coarse[:-1] if len(coarse) > SOUND_KEY_MIN and coarse.endswith("a") else coarse


def _meanings() -> dict[str, str]:
    """Each French and English key word, word naming a choice, number word and erase word
    (four letters or more), and what it means: "number", a choice's value, "erase",
    "data_noun", or a key word's first five letters ("annule" and "annulez" one meaning).
    Darija's "setta" or Turkish "iptal" are no target: "cété" is no six."""

    def listed(idea: str) -> list[str]:
        return [w for lang in BY_EAR for w in word_lists.BY_LANGUAGE[lang].get(idea, [])]

    found: dict[str, str] = {w: w[:5] for w in listed("key_word")}
    for w in listed("answer_key_word"):
        found[w] = "number"
    for idea in ("erase", "data_noun"):  # "erace my profil", "forgit evrything", "sistem"
        for w in listed(idea):
            found.setdefault(w, idea)
    for name in ("cardinal", "ordinal"):
        for lang in BY_EAR:
            for w, value in word_lists.TABLES[lang].get(name, {}).items():
                found[w] = str(value)
    return {
        w: meaning
        for w, meaning in found.items()
        if w.isascii() and w.isalpha() and len(w) >= SOUND_MIN_LETTERS
    }


DATA_NOUN_MIN = 5
"""A data noun is looked for by its sound in words of five letters or more ("Dona" is no
"donnée")."""

CARDINALS = frozenset(w for lang in BY_EAR for w in word_lists.TABLES[lang].get("cardinal", {}))
"""Number words, short as first names are: matched only on the very same sounds ("nena",
"cinco" and "deuce" are no "nine", "cinq" or "deux")."""

MEANINGS = _meanings()
"""The words a word written by ear may stand for, and what each means."""

BY_SKELETON: dict[str, list[tuple[str, str]]] = {}
"""Each skeleton, and the (sound key, word) of the targets that have it."""
for _word in sorted(MEANINGS):
    _key = sound_key(_word)
    if len(_shape := _skeleton(_key)) >= SOUND_KEY_MIN:
        BY_SKELETON.setdefault(_shape, []).append((_key, _word))


def sounds_like(word: str) -> str | None:
    """The target ``word`` sounds like: the same skeleton and a sound key at most one sound
    away, all such targets meaning one thing; else None."""
    key = sound_key(word)
    near = [
        (apart, target)
        for target_key, target in BY_SKELETON.get(_skeleton(key), ())
        if (apart := Levenshtein.distance(key, target_key)) <= (0 if target in CARDINALS else 1)
        and (len(word) >= DATA_NOUN_MIN or MEANINGS[target] != "data_noun")
    ]
    if not near or len({MEANINGS[target] for _, target in near}) > 1:
        return None
    return min(near)[1]


ALIKES_PATH = Path(__file__).parent / "data" / "sound_alikes.txt"
_ALIKES_LINES = ALIKES_PATH.read_text(encoding="utf-8").splitlines()
SOUND_ALIKES = frozenset(line for line in _ALIKES_LINES if line and not line.startswith("#"))
"""Frequent real words that sound like a key word or an answer word: never changed."""


def targets_fingerprint() -> str:
    """A digest of the targets and their sound keys: the list of alikes was built for these
    (its first line keeps it), and must be built again when they change."""
    listed = "\n".join(f"{w} {sound_key(w)} {MEANINGS[w]}" for w in sorted(MEANINGS))
    return hashlib.sha256(listed.encode()).hexdigest()[:16]


ALIKES_BUILT_FOR = next(
    (line.split()[-1] for line in _ALIKES_LINES if line.startswith("# targets")), ""
)
"""The fingerprint of the targets the list of alikes was built for."""

KNOWN = typos.KNOWN | frozenset(MEANINGS)
"""The words of the word lists and their spelling tables: real, never changed."""


@lru_cache(maxsize=4096)
def sounded(word: str) -> str:
    """The key word or answer word ``word`` is written by ear for, else ``word`` itself."""
    if (
        len(word) < SOUND_MIN_LETTERS
        or not (word.isascii() and word.isalpha())
        or word in KNOWN
        or word in SOUND_ALIKES
    ):
        return word
    return sounds_like(word) or word

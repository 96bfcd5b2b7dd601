"""Clauses: a negation, a question or a condition bears on its own clause only.

A message is cut into clauses at punctuation (",", ".", ";", "!", "?"), at dictated
punctuation ("virgule", "point", "comma") and at words that join two clauses ("mais",
"but", "ama", "بس", "bon"). "Le tram ne marche pas aujourd'hui, je préfère annuler ma place"
is a reason, then a request: the reason's negation does not reach the request.

Reported speech ("ma voisine m'a dit d'annuler", "my neighbour told me to cancel") and
hedged or conditional yeses ("inchallah je viens", "yes but not friday", "belki gelirim")
never act. "Oui allô" answers the phone; it agrees to nothing.
"""

from __future__ import annotations

import itertools
import re

from core.understanding import word_lists
from core.understanding.done_elsewhere import PASSIVE, names_ours
from core.understanding.normalising import bare, normalise

JOINTS = frozenset(bare(w) for w in word_lists.words("clause_joint"))
"""Words that join two clauses (one or two words each)."""
HEDGES = tuple(bare(w) for idea in ("hedge", "only_acknowledges") for w in word_lists.words(idea))
"""Words of an unsure, conditional or merely acknowledging yes ("ok je vais réfléchir")."""
TURKISH_IF = ("rse", "rsa", "rsem", "rsam", "rsen", "rsan")
"""Endings of a Turkish conditional verb: "oğlum götürürse" (if my son takes me)."""
REPORTED = tuple(bare(w) for w in word_lists.words("reported"))
UNDECIDED = tuple(bare(w) for w in word_lists.words("hedge_act"))
"""Words that leave an act undecided: "peut-être que j'annulerai", "belki iptal ederim"."""
TURKISH_REPORTING = ("istedi", "istiyor", "soyledi", "soyluyor", "dedi", "diyor")
KNOWS_HOW = tuple(bare(w) for w in word_lists.words("knows_how"))
CALL_OPENING = frozenset(bare(w) for w in word_lists.words("call_opening"))
SESSION_STATE = tuple(bare(w) for w in word_lists.words("session_state"))
NO_STARTS = frozenset(bare(w) for w in word_lists.words("no"))
BUT = frozenset({"mais", "but", "ama", "fakat", "ancak", "بس", "لكن", "ولكن", "walakin"})
"""Joints that turn what follows against what came before."""
NEGATING_AFTER_BUT = frozenset({"pas", "not", "no", "non", "degil", "la", "لا", "ما", "mais"})

_PUNCTUATION = re.compile(r"[,.;:!?¿؟،؛\n]+")


def clauses(text: str, language: str | None = None) -> list[list[str]]:
    """The message's clauses, each as its normalised words (none empty)."""
    found: list[list[str]] = []
    for piece in _PUNCTUATION.split(text):
        words = normalise(piece, language).split()
        current: list[str] = []
        i = 0
        while i < len(words):
            pair = " ".join(words[i : i + 2])
            if pair in JOINTS or words[i] in JOINTS:
                if current:
                    found.append(current)
                current = []
                i += 2 if pair in JOINTS else 1
                continue
            current.append(words[i])
            i += 1
        if current:
            found.append(current)
    return found


def hedged(words: list[str]) -> bool:
    """'inchallah je viens', 'peut-être', 'yes but not friday', 'ok je vais réfléchir': an
    unsure, partial or merely acknowledging yes."""
    if word_lists.says(words, HEDGES):
        return True
    if any(len(w) > 6 and w.endswith(TURKISH_IF) for w in words):
        return True  # "evet oğlum götürürse"
    for i, word in enumerate(words[:-1]):
        if word in BUT and NEGATING_AFTER_BUT & set(words[i + 1 : i + 3]):
            return True
    return False


def reported(words: list[str]) -> bool:
    """'ma voisine m'a dit d'annuler', 'komşum iptal et dedi', 'kizim silmemi istedi':
    someone else's words."""
    if word_lists.says(words, REPORTED):
        return True
    return any(
        w.endswith(("memi", "mami", "memizi", "mamizi")) and after in TURKISH_REPORTING
        for w, after in itertools.pairwise(words)
    )


def undecided(words: list[str]) -> bool:
    """'maybe i'll cancel', 'yemken nlghi', 'belki iptal ederim': an act not decided."""
    return word_lists.says(words, UNDECIDED)


def knows_how(words: list[str]) -> bool:
    """'yes I already know how to send an email', 'evet mail atmayi biliyorum': a yes that
    tells what one knows, and agrees to nothing."""
    split = [
        part for w in words for part in ((w[:-4], w[-4:]) if w.endswith(("meyi", "mayi")) else (w,))
    ]  # Turkish "göndermeyi biliyorum": the verbal noun's ending read as a word of its own
    return word_lists.says(words, KNOWS_HOW) or word_lists.says(split, KNOWS_HOW)


def about_session_state(words: list[str]) -> bool:
    """'l'atelier de jeudi a été annulé', 'is my class still on', 'kurs iptal mi oldu'; a
    noun of the bot's with an act done to it: 'was the class cancelled'."""
    if word_lists.says(words, SESSION_STATE):
        return True
    return names_ours(words) and word_lists.says(words, PASSIVE)


def call_opening(words: list[str]) -> bool:
    """'oui allô', 'alo evet': the phone answered, nothing agreed."""
    return bool(CALL_OPENING & set(words[:3]))


def turned_after_but(text: str, language: str | None = None) -> list[list[str]]:
    """The clauses after the last 'mais' / 'but' / 'ama' / 'بس' (empty when there is none)."""
    words = normalise(text, language).split()
    last = max((i for i, w in enumerate(words) if w in BUT), default=None)
    if last is None:
        return []
    return [words[last + 1 :]] if words[last + 1 :] else []


def starts_with_no(words: list[str]) -> bool:
    """'non je rigole', 'no wait': a clause that takes back what came before."""
    return bool(words) and words[0] in NO_STARTS

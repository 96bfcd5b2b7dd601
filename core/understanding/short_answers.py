"""Short answers made of yes or no words alone: "ok super", "evet tabii", "wakha", "non merci".

A message of at most four words, one of them a plain yes (or no) word and the others only
politeness or emphasis, needs no classifier: the word list says it. Questions ("oui ?") and
negated messages are left to the classifier and the safety policy.
"""

from __future__ import annotations

from core.understanding import word_lists
from core.understanding.clauses import BUT
from core.understanding.negation import negated
from core.understanding.thresholds import SHORT_ANSWER_WORDS

PLAIN_YES = word_lists.word_set("yes", "yes_alone")
"""Words (and pairs) that make a short yes: the plain yes words and the forms read only alone."""
PLAIN_NO = word_lists.word_set("no")
POLITE = word_lists.word_set("polite")

THANKS = word_lists.word_set("thank")


def short_answer(words: list[str], question_mark: bool) -> str | None:
    """'yes' or 'no' for a short answer made only of such words; otherwise None."""
    if question_mark or not words or len(words) > SHORT_ANSWER_WORDS:
        return None
    text = " ".join(words)
    phrases = {" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)}
    said = set(words) | phrases
    if text in PLAIN_NO:
        return "no"
    if _yes_but_no(words):
        return "no"  # "oui mais non", "yes but no": the no said last
    if PLAIN_NO & said and all(w in POLITE or w in PLAIN_NO for w in words):
        return "no" if not PLAIN_YES & set(words) else None
    if not PLAIN_YES & said or negated(words):
        return None
    if PLAIN_YES & said <= {"ok", "okay"} and THANKS & set(words):
        return None  # "ok merci" may close a talk: the classifier decides
    covered = {j for i in range(len(words)) for j in range(i, i + YES_PHRASES.at(words, i))}
    return (
        "yes"
        if all(w in POLITE or w in PLAIN_YES or i in covered for i, w in enumerate(words)) and text
        else None
    )


YES_PHRASES = word_lists.Phrases(p for p in PLAIN_YES if " " in p)
"""The yes said in several words ("by all means", "d accor", "hay hay"), whose words are
no yes alone."""


def _yes_but_no(words: list[str]) -> bool:
    """'oui mais non', 'yes but no': yes words, a "but", then no words only."""
    at = next((i for i, word in enumerate(words) if word in BUT), None)
    if at is None or at == 0 or at == len(words) - 1:
        return False
    before, after = words[:at], words[at + 1 :]
    return all(w in PLAIN_YES or w in POLITE for w in before) and all(
        w in PLAIN_NO or w in POLITE for w in after
    )

"""Short answers made of yes or no words alone: "ok super", "evet tabii", "wakha", "non merci".

A message of at most four words, one of them a plain yes (or no) word and the others only
politeness or emphasis, needs no classifier: the word list says it. Questions ("oui ?") and
negated messages are left to the classifier and the safety policy.
"""

from __future__ import annotations

from core.understanding.negation import negated
from core.understanding.thresholds import SHORT_ANSWER_WORDS

PLAIN_YES = frozenset(
    {"oui", "ouais", "ouai", "ouep", "wi", "ui", "ok", "yes", "yep", "yup", "sure", "okay",
     "evet", "evt", "tamam", "tamamdir", "olur", "tabii", "tabi", "elbette", "kesinlikle",
     "peki", "aynen", "نعم", "اه", "ايوا", "ايوه", "واخا", "وخا", "ايه", "اكيد", "طبعا", "موافق",
     "حسنا", "تمام", "wakha", "waxa", "iyeh", "eyh", "na3am", "n3am", "akid", "daccord",
     "absolument", "evidemment", "carrement", "volontiers", "affirmatif", "absolutely",
     "definitely", "alright", "certainly", "bien sur", "of course", "d accord", "tout a fait",
     "we", "wai", "okok", "okey", "okay okay", "oke", "iyi", "tabiki", "tabiiki", "ya", "wah",
     "ih", "saha", "sahha", "ah ih", "ih saha", "wah saha", "okie", "dokie", "okidoki",
     "okie dokie"}
)  # fmt: skip
PLAIN_NO = frozenset(
    {"non", "no", "nope", "nan", "hayir", "لا", "nop", "non non", "la2", "lla", "nah", "naan",
     "nn", "sans facon", "no thanks", "yok", "niet", "nein", "nada"}
)  # fmt: skip
POLITE = frozenset(
    {"merci", "thanks", "thank", "you", "please", "lutfen", "3afak", "عافاك", "tesekkurler",
     "tesekkur", "sagol", "sagolun", "chokran", "شكرا", "s", "il", "vous", "te", "plait", "bien",
     "sur", "super", "parfait", "top", "cool", "great", "perfect", "fine", "harika", "mzyan",
     "مزيان", "ممتاز", "oui", "yes", "evet", "ok", "of", "course", "a", "tout", "fait", "d",
     "accord", "madame", "monsieur", "bcp", "beaucoup", "very", "much", "so", "cok"}
)  # fmt: skip

THANKS = frozenset(
    {"merci", "thanks", "thank", "tesekkurler", "tesekkur", "sagol", "chokran", "شكرا"}
)


def short_answer(words: list[str], question_mark: bool) -> str | None:
    """'yes' or 'no' for a short answer made only of such words; otherwise None."""
    if question_mark or not words or len(words) > SHORT_ANSWER_WORDS:
        return None
    text = " ".join(words)
    pairs = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    said = set(words) | pairs
    if text in PLAIN_NO:
        return "no"
    if PLAIN_NO & said and all(w in POLITE or w in PLAIN_NO for w in words):
        return "no" if not PLAIN_YES & set(words) else None
    if not PLAIN_YES & said or negated(words):
        return None
    if PLAIN_YES & said <= {"ok", "okay"} and THANKS & set(words):
        return None  # "ok merci" may close a talk: the classifier decides
    return "yes" if all(w in POLITE or w in PLAIN_YES for w in words) and text else None

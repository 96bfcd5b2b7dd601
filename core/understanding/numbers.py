"""Choice numbers in what people write: "2", "3 stp", "le troisième", "ikinci", "الثاني".

A number counts only when it clearly is a choice: alone, or with words that announce it
("le", "numéro", "je prends") or soften it ("svp", "merci", "lütfen"). "Une minute",
"2 personnes", "à 14 h" or a phone number are not choices.
"""

from __future__ import annotations

from core.understanding import word_lists
from core.understanding.negation import negated
from core.understanding.normalising import bare
from core.understanding.thresholds import MAX_CHOICE, NAMED_CHOICE_NEAR, NAMED_CHOICE_WORDS

CARDINALS: dict[str, int] = word_lists.numbers("cardinal")
ORDINALS: dict[str, int] = word_lists.numbers("ordinal")
ANNOUNCERS = word_lists.word_set("choice_announcer")
"""Words that may stand around a choice number without changing it into something else."""
SOFTENERS = word_lists.word_set("choice_softener")
NOT_A_CHOICE_AFTER = word_lists.word_set("counted")
"""A number followed by these words counts something, it does not pick a choice."""

# Every word above is compared in its plain form (Arabic "ى" as "ي", "ة" as "ه", no hamza).
CARDINALS = {bare(word): value for word, value in CARDINALS.items()}
ORDINALS = {bare(word): value for word, value in ORDINALS.items()}
ANNOUNCERS = frozenset(bare(word) for word in ANNOUNCERS)
SOFTENERS = frozenset(bare(word) for word in SOFTENERS)
NOT_A_CHOICE_AFTER = frozenset(bare(word) for word in NOT_A_CHOICE_AFTER)


DARIJA_LATIN = word_lists.word_set("darija_number_word")
"""Darija number words in Latin letters, which take the article "l" ("lkhamsa")."""

ARABIZI_DIGITS = word_lists.spellings("arabizi_digit")
"""Digits that write a letter in Arabizi ("5" is "kh"): "l5amsa" is "lkhamsa"."""

ORDINAL_ENDINGS = word_lists.words("ordinal_ending")
"""Endings that make a digit an ordinal: "9th", "2eme"."""


def ordinal(word: str) -> bool:
    """Whether a word names a place in a list: "troisieme", "third", "9th", "ikinci"."""
    return word in ORDINALS or _digit_ordinal(word) is not None


def _digit_ordinal(word: str) -> int | None:
    """'9th', '3eme': a digit with an ordinal ending."""
    for ending in ORDINAL_ENDINGS:
        digits = word.removesuffix(ending)
        if digits != word and digits.isdigit():
            return value_of(digits)
    return None


def _arabizi(word: str) -> str:
    """A word in Arabizi with its letter-digits written in letters: "l5amsa" is "lkhamsa"."""
    if not word.isalnum() or word.isdigit() or not word.isascii():
        return word
    return "".join(ARABIZI_DIGITS.get(char, char) for char in word)


QUALIFIERS = frozenset(bare(word) for word in word_lists.words("which_one"))
"""Words that say which one beside an ordinal or a digit: "celui du mardi", "the morning one"."""

AFTER_CHOICE = frozenset(bare(word) for word in word_lists.words("after_choice"))
"""Words that open a clause about the choice, allowed after it only: "c'est le deuxième qui
m'intéresse"; "qui est le premier" asks."""

NOT_WORDS = frozenset(bare(word) for word in word_lists.words("not_this_number"))
AFTER_NOT = word_lists.word_set("not_this_number_after")
CORRECTING = frozenset(bare(word) for word in word_lists.words("correcting"))
"""Words of a correction: "je voulais pas dire 3, je voulais dire 4", "2 değil 3"."""


def _corrected(words: list[str]) -> int | None:
    """The number a correction means: the one of two that is not negated. A "no" right after
    the first takes it back ("3 no sorry 4", "3 non 4"); it does not negate the second."""
    found = [(i, v) for i, w in enumerate(words) if (v := value_of(w)) is not None]
    if len(found) != 2 or found[0][1] == found[1][1]:
        return None
    if not all(words[i].isdigit() or ordinal(words[i]) for i, _ in found):
        return None
    first = found[0][0]
    after_first = [*words[first + 1 : first + 3], "", ""]
    # "3 no sorry 4" takes the 3 back; "le 3, non pas le 4" does not
    taken_back = after_first[0] in ("no", "non") and after_first[1] not in NOT_WORDS
    negated = [
        (i, v)
        for i, v in found
        if any(
            w in NOT_WORDS
            for j, w in enumerate(words[:i])
            if j >= i - 3 and not (taken_back and j == first + 1)
        )
        or words[i + 1 : i + 2] == ["degil"]
        or (taken_back and i == first)
    ]
    if len(negated) != 1:
        return None
    others = [w for i, w in enumerate(words) if i not in (found[0][0], found[1][0])]
    if not all(
        w in CORRECTING or w in NOT_WORDS or w in AFTER_NOT or w in ANNOUNCERS or w in SOFTENERS
        for w in others
    ):
        return None
    return next(v for i, v in found if (i, v) not in negated)


FILLERS = frozenset(
    bare(word) for idea in ("speech_filler", "call_opening") for word in word_lists.words(idea)
)
"""Words of speech around a spoken choice: "euh", "uh", "şey", "ايوا", and the call's opening
("alo iki yok yok üç numara")."""
CORRECTION = frozenset(bare(word) for word in word_lists.words("number_correction"))
"""Words of a spoken correction between two numbers: "non", "no wait", "yok", "لا"."""
HEARD_AS = {"for": 4, "fore": 4, "to": 2, "too": 2, "won": 1, "tree": 3, "ate": 8}
"""English number words as a speech-to-text service may write them after "number"."""


def _heard(words: list[str]) -> list[str]:
    """'number for' as dictated: "number 4"."""
    return [
        str(HEARD_AS[w]) if w in HEARD_AS and i and words[i - 1] == "number" else w
        for i, w in enumerate(words)
    ]


DECISION = frozenset(
    word for phrase in word_lists.words("choice_decision") for word in bare(phrase).split()
)
"""Words that settle a hesitation: "le 1 ou le 3... allez le 3", "1 mi 2 mi... hadi 2"."""
HESITATION = frozenset(
    word for phrase in word_lists.words("choice_hesitation") for word in bare(phrase).split()
)
"""Words that weigh choices against each other: "ou", "or", "mi", "wla"."""


def _spoken_correction(words: list[str]) -> int | None:
    """'euh le deux non attendez le quatre', 'şey üç yok yok dört', 'le 1 ou le 3... allez
    le 3': the last number of a spoken correction or of a hesitation settled, when the other
    words only announce, soften, fill or weigh."""
    found = [(i, v) for i, w in enumerate(words) if (v := value_of(w)) is not None]
    if len(found) < 2 or len({v for _, v in found}) < 2:
        return None
    span = words[found[-2][0] + 1 : found[-1][0]]
    if CORRECTION.isdisjoint(span):  # settled only by a decision after the hesitation
        weighed = max((i for i, w in enumerate(span) if w in HESITATION), default=-1)
        if not any(w in DECISION for w in span[weighed + 1 :]):
            return None  # "2 ok or 3", "2 olsun mu 3 mü": still weighing
    at = {i for i, _ in found}
    allowed = ANNOUNCERS | SOFTENERS | FILLERS | CORRECTION | DECISION | HESITATION
    if all(i in at or w in allowed for i, w in enumerate(words)):
        return found[-1][1]
    return None


def value_of(word: str) -> int | None:
    """The number a single word names, if it names one that could be a choice."""
    if word.isdigit():
        return int(word) if len(word) <= 2 and 0 < int(word) <= MAX_CHOICE else None
    if word.endswith((".", ")")) and word[:-1].isdigit():
        return value_of(word[:-1])
    found = ORDINALS.get(word, CARDINALS.get(word))
    if found is None:
        found = _digit_ordinal(word)
    if found is None and _arabizi(word) != word:
        found = value_of(_arabizi(word))  # "l5amsa", "5amsa"
    if found is None and word.startswith("l") and word[1:] in DARIJA_LATIN:
        found = ORDINALS.get(word[1:], CARDINALS.get(word[1:]))  # darija "lkhamsa", "ltalta"
    if found is None and word.startswith("ال") and len(word) > 4:
        found = ORDINALS.get(word[2:], CARDINALS.get(word[2:]))  # darija "الجوج", "التلاتة"
    if found is None and word.isalpha():  # Turkish case endings: "ikincisi", "üçüncüyü"
        for ending in TURKISH_ENDINGS:
            stem = word.removesuffix(ending)
            if stem != word and (stem in ORDINALS or stem in ("iki", "uc", "dort", "bes")):
                return ORDINALS.get(stem, CARDINALS.get(stem))
    return found


TURKISH_ENDINGS = (
    *("sini", "sunu", "ini", "sine", "si", "su", "ni", "nu"),
    *("yi", "yu", "ye", "ya", "i", "u"),
)


FOR_WHOM = tuple(bare(w) for w in word_lists.words("for_whom"))
"""'numéro 3 pour ma voisine', '1 for my grandad': a choice made for someone."""
RELATIVES = tuple(bare(w) for w in word_lists.words("relative_subject") if " " in w or len(w) > 4)
"""Someone close, named ("ma voisine", "my grandad", "annem"); pronouns left out."""
SPOKEN_TO = frozenset(bare(w) for w in word_lists.words("addressee"))
"""Someone spoken to ("frérot", "abi", "khoya"): beside a choice, it changes nothing."""
POSSESSIVE = word_lists.word_set("possessive")
"""'mon', 'my' (the possessives of one's bookings) before someone spoken to: "le 4 mon
frérot"."""


KIN = tuple(bare(w) for w in word_lists.words("kin"))
"""Someone close the message is written for ("dad", "mamie", "بابا", "babaannem")."""
CLOSE_ONES = tuple(sorted({*RELATIVES, *KIN}, key=len, reverse=True))
"""Someone close, the longest first ("ma grand mere" before "grand mere")."""
CHOOSING_FOR = word_lists.word_set("choosing_for")
"""'picks', 'retiendra', 'يختار', 'seciyor': a choice made by someone close, or by "we"."""
FOR_WHOM_FIRST = frozenset(w.split()[0] for w in FOR_WHOM if w.strip())
"""The first word of each "for" ("pour", "for", "l"): without one, no choice is made for
someone."""
ATTACHED_FOR = ("ل",)
"""Arabic "for" written on the noun: "لماما" (for mum)."""


def _for_whom_left_out(words: list[str]) -> list[str]:
    """The words without a "for someone close" said beside the choice, nor whom it speaks
    to at the end."""
    text = f" {' '.join(words)} "
    if not FOR_WHOM_FIRST.isdisjoint(words) or "icin" in words:  # else nothing to leave out
        for relative in CLOSE_ONES:
            for before in FOR_WHOM:
                text = text.replace(f" {before} {relative} ", " ")
            text = text.replace(f" {relative} icin ", " ")
    kept = [w for w in text.split() if not (w.startswith(ATTACHED_FOR) and w[1:] in CLOSE_ONES)]
    while kept and kept[-1] in SPOKEN_TO:
        kept.pop()  # "le 7 frérot", "3 abi"; not "abla ben 2. otobüse bindim", told to her
        if kept and kept[-1] in POSSESSIVE:
            kept.pop()  # "le 4 mon frérot"
    return kept


def _chosen_by_someone_close(words: list[str]) -> list[str]:
    """'Dad picks the fourth one', 'mon fils retiendra le choix numéro 5', 'يختار ابني الخيار
    رقم 5', 'babaannem üçüncüyü seçiyor': someone close named as the one who chooses (a
    relative writing for the person is read as the person): the words without them and
    without the verbs of their choosing. Nothing is left out when no one close is named, or
    no verb of choosing ("my son is 10")."""
    text = f" {' '.join(words)} "
    named = False
    for relative in CLOSE_ONES:
        if f" {relative} " in text:
            text = text.replace(f" {relative} ", " ")
            named = True
    kept = text.split()
    if not named or not any(w in CHOOSING_FOR for w in kept):
        return words  # "my son is 10": an age, no one choosing
    return [w for w in kept if w not in CHOOSING_FOR]


def choice_number(words: list[str]) -> int | None:
    """The choice a message picks, when it clearly picks one and only one."""
    if not words or len(words) > 12:
        return None
    words = _for_whom_left_out(words) or words
    words = _chosen_by_someone_close(words) or words
    words = _heard(words)
    corrected = _corrected(words)
    if corrected is None:
        corrected = _spoken_correction(words)
    if corrected is not None:
        return corrected
    if len([w for w in words if w not in SOFTENERS]) > 8:
        return None
    found: list[tuple[int, int]] = [
        (i, value) for i, word in enumerate(words) if (value := value_of(word)) is not None
    ]
    strong = [(i, v) for i, v in found if words[i].isdigit() or ordinal(words[i])]
    picks = strong or found
    if len({value for _, value in picks}) != 1:
        return None
    index, value = picks[0]
    if index + 1 < len(words) and words[index + 1] in NOT_A_CHOICE_AFTER:
        return None
    qualified = ordinal(words[index]) or words[index].isdigit()
    for i, word in enumerate(words):
        if any(i == j for j, _ in found):
            continue
        if qualified and word in QUALIFIERS:
            continue  # "le troisième, celui du mardi", "beşinci olan, sabah olanı"
        if i > index and word in AFTER_CHOICE:
            continue  # "c'est le deuxième qui m'intéresse"
        if word not in ANNOUNCERS and word not in SOFTENERS and word not in FILLERS:
            return None
    if len(words) > 1 and value == 1 and words[index] in ("un", "une", "bir", "one"):
        if index > 0 and words[index - 1] in ("le", "the", "l", "numero", "number"):
            return 1  # "euh le un", "the one"
        # "un" or "bir" with other words is an article more often than a choice
        announced = ("numero", "choix", "number", "numara", "option", "choice", "secenek")
        return 1 if any(w in announced for w in words) else None
    return value


CHOICE_NOUNS = word_lists.word_set("choice_noun")
NUMBER_SIGNS = word_lists.word_set("number_sign")
CHOOSING = word_lists.words("choosing_verb")
CHOOSING_WORDS = frozenset(CHOOSING)
RESERVED = word_lists.word_set("choice_reserved")
"""'sauf', 'other', 'ama', 'but': a choice named with a reservation or an exception."""


def named_choice(words: list[str]) -> int | None:
    """'je souhaite retenir le choix numéro 4 de la liste proposée', 'I would like the second
    option in your message', 'listenize istinaden 3 numaralı seçeneği tercih ediyorum': one
    number, a digit or an ordinal (or a number word after "numéro"), with a word naming a
    choice of the list beside it, a verb of wanting or choosing, nothing negated and no other
    number ("the 2nd option in my phone's settings is greyed out" chooses nothing)."""
    if len(words) > NAMED_CHOICE_WORDS or negated(words) or not RESERVED.isdisjoint(words):
        return None  # "autre chose que le choix 1", "... istiyor ama emin değilim"
    if CHOOSING_WORDS.isdisjoint(words) and not word_lists.says(words, CHOOSING):
        return None
    found = [
        (i, v)
        for i, w in enumerate(words)
        if (v := value_of(w)) is not None
        and (w.isdigit() or ordinal(w) or (i and words[i - 1] in CHOICE_NOUNS | NUMBER_SIGNS))
    ]
    if len({v for _, v in found}) != 1:
        return None
    if sum(w.isdigit() for w in words) > sum(words[i].isdigit() for i, _ in found):
        return None  # "dossier n° 4471, le choix 2": another number beside it
    index, value = found[0]
    after = [w for w in words[index + 1 : index + 3] if w not in ("of", "de", "du")][:1]
    if after and after[0] in NOT_A_CHOICE_AFTER:
        return None  # "le créneau du 3 juin", "the 3rd of June"
    window = words[max(0, index - NAMED_CHOICE_NEAR) : index + NAMED_CHOICE_NEAR + 1]
    return value if not CHOICE_NOUNS.isdisjoint(window) else None

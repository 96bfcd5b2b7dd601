"""Negation scope, questions and conditionals, read on normalised words.

A negation only matters here when it bears on the word that would act: "n'annulez pas",
"don't cancel", "iptal etmeyin", "لا تلغي", "ma bghitch nlghi" keep a seat. "Je ne peux pas
venir" is a negation too, but of "venir": it asks to cancel, and the classifier knows it.
"""

from __future__ import annotations

import re

from core.understanding import word_lists

ACTING_STEMS = word_lists.words("acting")
"""Beginnings of the words that cancel a seat or erase data (and stop messages)."""

EUROPEAN_STEMS = word_lists.words("acting_european")

CLAUSE_ENDS = word_lists.word_set("clause_end")
"""Words that close a clause: a negation before them does not reach past them."""

FRENCH_CLOSERS = word_lists.word_set("french_closer")
FILLERS = word_lists.word_set("filler")
ENGLISH_CUES = word_lists.word_set("english_negation")
AUXILIARIES = word_lists.word_set("auxiliary")
ARABIC_CUES = word_lists.word_set("arabic_negation")
DARIJA_CUES = word_lists.word_set("darija_negation")
DARIJA_NEGATED = re.compile(r"^ma\w{2,}(ch|sh|ech|ich)$")
ARABIC_NEGATED = re.compile(r"^(ما|م)\w{2,}ش$")
DARIJA_NEGATED_SHORT = re.compile(r"^m\w{3,}(ch|sh)$")
"""'mghadich', 'mnqdrsh': the "ma" written as a bare "m" (six letters or more)."""
TURKISH_UNABLE = re.compile(
    r"(m[iu]yor|m[iu]yo[mz]|meyece|mayaca|m[ie]y?c[ae][mk]|emez|amaz|emem|amam|emiyor|amiyor"
    r"|degil|[ae]mi[ycr])"
)
"""Turkish negative and "cannot" verbs, whatever the verb: 'gelemiyorum', 'katılamam', and
as spoken: 'istemiyom', 'gelmicem'."""
TURKISH_NEGATED = re.compile(
    r"^\w*(m[iu]yor\w*|m[iu]yo[mz]|mey(in|iniz)?|may(in|iniz)?|me|ma|mem|mam|mez|maz|meyecek\w*"
    r"|mayacak\w*|m[ie]y?c[ae][mk]\w*)$"
)
"""Turkish negated verbs, also as spoken: 'etmiyom', 'etmicem', 'yapmıycam'."""
TURKISH_NEGATIVE_WORDS = word_lists.word_set("turkish_negative")
TURKISH_VERBS = re.compile(r"^(et|sil|unut|kaldir|yap|iste|ol|etti|edi|durdur|cikar)")

QUESTION_STARTS = word_lists.words("question_start")
QUESTION_ENDS = word_lists.words("question_end")
"""A question without its mark may end with "or not": "l'atelier dyali t'annula wla la"."""
TURKISH_QUESTION = re.compile(r"^m[iu](yim|yum|yiz|yuz|sin|sun|siniz|sunuz|dir|dur|)$")
CONDITIONAL_WORDS = word_lists.word_set("conditional")
SUBJECTS = word_lists.word_set("subject")
TURKISH_CONDITIONAL = re.compile(r"^\w{3,}(sem|sam|seniz|saniz|sek|sak|rsa|rse)$")
TURKISH_LOOKALIKES = word_lists.word_set("turkish_lookalike")
"""French and English words of that shape: 'course', 'bourse', 'universe'."""


REPORTING = word_lists.word_set("reporting")
"""'Pas dit annuler': a verb of saying or wanting lets the negation reach the next verb."""
LINKS = word_lists.word_set("link")
"""Words between a verb and its object: "pas demandé l'annulation", "pas envie d'annuler"."""


def _reaches(between: list[str]) -> bool:
    """Whether a French "pas" reaches past these words to the verb after them.

    Fillers ("pas besoin de", "pas la peine de") and one word followed by a link word
    ("pas envie d'annuler", "pas demandé l'annulation") let it through.
    """
    rest = [word for word in between if word not in FILLERS and word not in LINKS]
    if not rest:
        return True
    if len(rest) != 1:
        return False
    if rest[0] in REPORTING and between[-1] == rest[0]:
        return True  # "j'ai pas dit annuler"
    if rest[0] == "etre" and between[-1] == "etre":
        return True  # "je ne veux pas être désinscrite": the passive is negated too
    after = between[between.index(rest[0]) + 1 :]
    return any(word in LINKS for word in after)


ARABIC_PREFIXES = ("لل", "ول", "بال", "وال", "ل", "و", "ب", "ف")
"""'للإلغاء', 'والحذف': a particle written onto the word."""


def begins_with(
    word: str, stems: tuple[str, ...], particles: tuple[str, ...] = ARABIC_PREFIXES
) -> bool:
    """Whether ``word`` begins with one of ``stems``, bare or after an Arabic particle."""
    return word.startswith(stems) or any(
        word.startswith(p) and word[len(p) :].startswith(stems) for p in particles
    )


def _acting(word: str) -> bool:
    return begins_with(word, ACTING_STEMS) or bool(
        DARIJA_NEGATED.match(word)
        and any(stem in word for stem in ("lgh", "ms7", "mse7", "7bs", "7bes", "w9f", "wqf"))
    )


def _negates_itself(word: str) -> bool:
    """'matlghich', 'ماتلغيش': the negation is inside the word."""
    return bool(DARIJA_NEGATED.match(word) or ARABIC_NEGATED.match(word))


def _scope_before(words: list[str], index: int) -> bool:
    """Whether a negation written before ``words[index]`` reaches it."""
    start = index
    while start > 0 and words[start - 1] not in CLAUSE_ENDS and index - start < 6:
        start -= 1
    window = words[start:index]
    for offset, word in enumerate(window):
        distance = len(window) - offset
        if word == "ne" and window[offset + 1 : offset + 2] and window[offset + 1] in TURKISH_NE:
            reached = False  # Turkish "ne varsa silin": whatever there is, erase it
        elif word == "ne":  # "ne X pas [infinitive]" or "n'annulez pas"
            closer = next(
                (i for i in range(offset + 1, len(window)) if window[i] in FRENCH_CLOSERS), None
            )
            reached = closer is None or _reaches(window[closer + 1 :])
        elif word in FRENCH_CLOSERS and word != "rien":  # "pas annuler", "pas envie d'annuler"
            reached = _reaches(window[offset + 1 :])
        elif word in ENGLISH_CUES or (word == "t" and offset and window[offset - 1] in AUXILIARIES):
            reached = distance <= 3
        elif word == "no" and window[offset + 1 : offset + 2] in (["need"], ["longer"]):
            reached = distance <= 3  # "no need to cancel"
        elif word in ARABIC_CUES or _negates_itself(word):
            reached = distance <= 2
        elif word in DARIJA_CUES or word == "la":  # French "ma", "la" are not negations
            reached = distance <= 2 and not words[index].startswith(EUROPEAN_STEMS)
        else:
            reached = False
        if reached:
            return True
    return False


TURKISH_NE = frozenset({"varsa", "var", "kadar", "zaman", "olursa", "ise", "biliyorsaniz"})
"""Words after Turkish "ne" (what): "ne varsa", "ne kadar"; no French "ne" of a negation."""
NECESSITY = word_lists.word_set("necessity")
"""'iptal etmem lazım' is 'I must cancel': the verb before these is a noun, not a negation."""


def _turkish_negative(words: list[str], at: int) -> bool:
    word = words[at]
    if not (TURKISH_VERBS.match(word) and TURKISH_NEGATED.match(word)):
        return False
    return not (at + 1 < len(words) and words[at + 1] in NECESSITY)


def _scope_after(words: list[str], index: int) -> bool:
    """Turkish puts the negation after: 'iptal etme', 'silmeyin', 'iptal etmek istemiyorum'."""
    word = words[index]
    if len(word) > 4 and _turkish_negative(words, index):
        return True
    if word in FRENCH_CLOSERS - {"rien"} or word in ENGLISH_CUES:
        return False
    for offset, follower in enumerate(words[index + 1 : index + 4], start=index + 1):
        if follower in CLAUSE_ENDS:
            return False
        if follower in TURKISH_NEGATIVE_WORDS or _turkish_negative(words, offset):
            return True
        if follower in FRENCH_CLOSERS - {"rien"} and index + 1 < len(words):
            return True  # "annulez pas", "j'annule pas"
    return False


def acting_word_negated(words: list[str]) -> bool:
    """Whether every word that would cancel, erase or stop is negated (and there is one)."""
    acting = [i for i, word in enumerate(words) if _acting(word)]
    if not acting:
        return False
    return all(
        _negates_itself(words[i]) or _scope_before(words, i) or _scope_after(words, i)
        for i in acting
    )


CANCEL_STEMS = word_lists.words("cancel")
"""Verbs that cancel a seat and nothing else."""


def cancel_word(words: list[str]) -> bool:
    """Whether a verb that cancels a seat is written (with an Arabic particle or not)."""
    return any(begins_with(word, CANCEL_STEMS) for word in words)


NOT_DATA = ("bilgisayar",)
"""Words a data stem begins that name no data: "bilgisayar" (a computer) is no "bilgi"."""


def data_word(word: str, stems: tuple[str, ...]) -> bool:
    """Whether the word is one of data ("données", "bilgilerim"), not "bilgisayar"."""
    return word.startswith(stems) and not word.startswith(NOT_DATA)


def erases_seat(words: list[str]) -> bool:
    """An erase verb on a booking without a word of data: "kaydimi silin" cancels a seat,
    "bilgisayar kursundaki kaydimi silin" too."""
    verbs = any(w.startswith(ERASE_STEMS) for w in words)
    return verbs and not any(data_word(w, DATA) or w.startswith(WHOLE_PERSON) for w in words)


WHOLE_PERSON = word_lists.words("whole_person")
"""Besides the data words: "supprimez tout", "effacez-moi" erase the person, not a seat."""


def has_acting_word(words: list[str]) -> bool:
    """Whether a word that would cancel, erase or stop is written at all."""
    return any(_acting(word) for word in words)


NEGATION_WORDS = word_lists.word_set("negation")
IDIOMS = (  # in code: they are taken out in this order ("souci" before "soucis")
    "pas de probleme", "pas de souci", "pas de soucis", "pas de pb", "pas grave", "no problem",
    "no worries", "sorun yok", "sorun degil", "problem yok", "pourquoi pas", "why not",
    "ma kayn mouchkil", "mafi mouchkil", "ما كاين مشكل", "لا مشكلة", "لا باس", "la bas",
    "ma3lich", "pas mal", "machi mochkil", "machi mouchkil", "mashi mochkil", "ماشي مشكل",
    "bla mochkil", "بلا مشكل",
)  # fmt: skip


def negated(words: list[str]) -> bool:
    """Whether the message says no somewhere (idioms such as "pas de souci" aside)."""
    text = " ".join(words)
    for idiom in IDIOMS:
        text = text.replace(idiom, " ")
    kept = text.split()
    return any(
        word in NEGATION_WORDS or (word == "t" and i and kept[i - 1] in AUXILIARIES)
        or _negates_itself(word) or (TURKISH_VERBS.match(word) and TURKISH_NEGATED.match(word))
        for i, word in enumerate(kept)
    )  # fmt: skip


def cannot(words: list[str]) -> bool:
    """Whether the message says that something cannot or will not happen, in any language.

    Wider than ``negated``: "plus" ("je ne peux plus"), "unable", "impossible", Turkish
    "gelemiyorum", darija "ma nqderch", "mghadich".
    """
    if negated(words):
        return True
    for i, word in enumerate(words):
        if word in CANNOT_WORDS or (TURKISH_UNABLE.search(word) and not word.startswith("tamam")):
            return True
        if len(word) >= 6 and DARIJA_NEGATED_SHORT.match(word):
            return True
        if word == "ma" and any(w.endswith(("ch", "sh")) for w in words[i + 1 : i + 3]):
            return True
    return False


CANNOT_WORDS = word_lists.word_set("cannot")
"""Words that say one will not come, without a negation."""

COMING = word_lists.words("coming_stem")
"""Beginnings of words that say one comes: without a negation they never cancel."""


GIVING_BACK = word_lists.words("giving_back")
"""Beginnings of words that give a seat back: "libérez ma place", "give my seat away"."""


def gives_back(words: list[str]) -> bool:
    """Whether a word gives the seat back, without a cancel word. English "free" does so as
    a verb ("free my seat", "free up the spot"), not before a noun ("free sessions")."""
    return any(
        word.startswith(GIVING_BACK)
        and not word.endswith(GIVE_ME)
        and (word != "free" or words[i + 1 : i + 2] in ([], *([w] for w in FREED)))
        for i, word in enumerate(words)
    )


GIVE_ME = ("ini", "يني", "tit", "طيت", "nich", "نيش")
"""Darija "3tini", "عطيني": give me, not the seat given back ("3tini les détails"); "3tit",
"عطيت": I gave, a thing told ("3tit smiti l wa7d lmra", I gave my name to a lady)."""


FREED = ("my", "up", "the", "her", "his", "our", "their", "it", "this", "that", "a", "me")
"""Words after the verb "free": what it frees ("free my seat", "free it up")."""


def says_coming(words: list[str]) -> bool:
    """Whether a word says one comes or takes part ("je viens", "geleceğim", "ghadi nji")."""
    return any(word.startswith(COMING) for word in words)


ERASE_STEMS = word_lists.words("erase")
ARABIC_ERASE = word_lists.words("arabic_erase")
PERSONAL = word_lists.words("personal")
ARABIC_PERSONAL = word_lists.words("arabic_personal")
AMBIGUOUS_ERASE = word_lists.words("ambiguous_erase")
"""Verbs that take a seat away as well as data: they erase only with a data word."""
DATA = word_lists.words("data_noun")
MESSAGES = word_lists.words("messages")
SEAT = word_lists.words("seat")


def about_messages(words: list[str]) -> bool:
    """Whether the message is about the bot's messages, not about a seat ("désinscription des
    sms", "aboneliği iptal et", "الغاء الاشتراك")."""
    return any(w.startswith(MESSAGES) for w in words) and not any(
        w.startswith(SEAT) or any(p in w for p in ("حجز", "بلاص", "ورش")) for w in words
    )


TOLD_FORGOTTEN = word_lists.word_set("told_forgotten")
"""A forgetting told in the past ("unutmuşum"): no erase asked for."""
FORGETTING_TOLD = word_lists.words("forgetting_told")
"""One's own forgetting told ("now I forget everything", "j'oublie tout"): no erase asked."""
FORGET_STEMS = ("forget", "forgot", "oubli", "unut")


def erases_personal(words: list[str]) -> bool:
    """Whether an erase verb bears on data or on the person: "effacez mes données",
    "forget me", "beni sil", "امسحوني"; not "forget it" or "on oublie"."""
    verbs = [
        w
        for w in words
        if (w.startswith(ERASE_STEMS) or any(stem in w for stem in ARABIC_ERASE))
        and w not in TOLD_FORGOTTEN
    ]
    if word_lists.says(words, FORGETTING_TOLD):
        verbs = [verb for verb in verbs if not verb.startswith(FORGET_STEMS)]
    if not verbs:
        return False
    if all(verb.startswith(AMBIGUOUS_ERASE) for verb in verbs):  # "remove me": the seat?
        return any(
            word.startswith(DATA) or any(p in word for p in ARABIC_PERSONAL) for word in words
        )
    if len(words) == 1:
        return True  # "OUBLI", "unut": the word the help tells people to write
    return any(
        word.startswith(PERSONAL)
        or any(part in word for part in ARABIC_PERSONAL)
        or word in ("m", "ni")
        or word.endswith(("ني", "ouni", "oni"))
        for word in words
        if word not in verbs or word.endswith(("ني", "ouni", "oni"))
    )


def asks(words: list[str], question_mark: bool) -> bool:
    """Whether the message is a question."""
    if question_mark:
        return True
    text = " ".join(words)
    if any(text == start or text.startswith(start + " ") for start in QUESTION_STARTS):
        return True
    if any(text.endswith(" " + end) for end in QUESTION_ENDS):
        return True
    return any(TURKISH_QUESTION.match(word) for word in words[1:])


def conditional(words: list[str]) -> bool:
    """Whether the message sets a condition: "si je...", "if I...", "gelemezsem"."""
    for i, word in enumerate(words):
        if word in CONDITIONAL_WORDS:
            return True
        if word == "si" and i + 1 < len(words) and words[i + 1] in SUBJECTS:
            return True
        if TURKISH_CONDITIONAL.match(word) and word not in TURKISH_LOOKALIKES:
            return True
    return False


REQUESTS = word_lists.words("request")


def polite_request(words: list[str]) -> bool:
    """Whether a question asks the bot to do something: "pouvez-vous annuler ma place ?"."""
    text = " ".join(words)
    return any(request in text for request in REQUESTS)

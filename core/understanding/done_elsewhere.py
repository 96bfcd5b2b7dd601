"""Acts told in the past about something else: "j'ai annulé mon rendez-vous chez le
médecin", "doktor randevumu iptal ettim", "ألغيت موعدي عند الطبيب", a habit stopped ("j'ai
arrêté de fumer"), a thing forgotten ("şemsiyemi unuttum"), or an act done by someone or
something else ("le train est annulé", "تم الغاء موعدي في المستشفى"). They ask nothing of
the bot: never a cancel, a stop or an erase. Nor does an erase on one's own device ("I removed
my ex's number from my phone", "j'ai effacé les photos de mon téléphone").
"""

from __future__ import annotations

from core.understanding import word_lists
from core.understanding.courtesy import CLOSE_ONE_AT, CLOSE_ONES
from core.understanding.negation import (
    CANCEL_STEMS,
    COMING,
    ERASE_STEMS,
    MESSAGES,
    SEAT,
    begins_with,
    cannot,
)
from core.understanding.normalising import bare

DONE = tuple(bare(w) for w in word_lists.words("done_before"))
ELSEWHERE = tuple(bare(w) for w in word_lists.words("elsewhere"))
"""Stems of somewhere or something else, in the words' plain form ("المستشفى" as written)."""
PASSIVE = tuple(bare(w) for w in word_lists.words("done_passive"))
"""An act done by someone or something else: "le train est annulé", "trenim iptal olmuş"."""

OWN_DEVICE = tuple(bare(w) for w in word_lists.words("own_device"))
"""One's own phone or computer: "from my phone", "de mon téléphone", "telefonumdan"."""

RELATIVES = tuple(bare(w) for w in word_lists.words("relative_subject"))
"""Someone close named as the subject: "mon mari", "my wife", "eşim", "راجلي"."""
FIRST_PERSON = word_lists.word_set("first_person")
"""The person's own "I": "je", "i", "ana", "انا"."""


OURS = (
    *SEAT, "seance", "cours", "formation", "class", "session", "kurs", "تسجيل", "blas", "lblasa",
    "sms", "message",
)  # fmt: skip
"""Nouns of what the bot keeps: a past act on them may well be about the bot."""


ARABIC_PARTICLES = ("فال", "بال", "وال", "لل", "ال", "ف", "ب", "و")


def names_ours(words: list[str]) -> bool:
    """Whether a word names what the bot keeps ("البلاصة", "فالورشة" with their particles)."""
    return any(begins_with(word, OURS, ARABIC_PARTICLES) for word in words)


DEVICE_TROUBLE = tuple(bare(w) for w in word_lists.words("device_trouble"))
"""A trouble of one's device ("virus", "virüs", "فيروس"): what is removed is it, no seat."""


def device_trouble(words: list[str]) -> bool:
    """'mon ordi a un virus, vous pouvez me l'enlever ?': a cancel or an erase of a trouble
    of one's device, no noun of the bot's named."""
    return not names_ours(words) and any(
        begins_with(word, DEVICE_TROUBLE, ARABIC_PARTICLES) for word in words
    )


def names_elsewhere(words: list[str]) -> bool:
    """Whether a word names somewhere or something else ("فالبلدية", "بالبنك" with their
    particles)."""
    return any(begins_with(word, ELSEWHERE, ARABIC_PARTICLES) for word in words)


def done_by_others(words: list[str]) -> bool:
    """Whether the message tells of an act done by someone or something else about a place
    or a thing named: "c'est confirmé à la préfecture", "my visa got approved"."""
    return word_lists.says(words, PASSIVE) and (names_elsewhere(words) or relative_did(words))


SPOKEN_TO = frozenset(bare(w) for w in word_lists.words("addressee"))
"""Words that also call someone ("khoya", "mama"): not said of the one who acted."""
RELATIVE_DID_WITHIN = 7
"""How many words after someone close an act done may stand to be theirs."""


KIN_STEM = 5
"""A kin word this long or longer is a stem too: Turkish "oglumuzun", "babaannemin"."""
KIN_STEMS = tuple(c for c in CLOSE_ONES if " " not in c and len(c) >= KIN_STEM)
CONSENTS_FOR = tuple(bare(w) for w in word_lists.words("consents_for"))
"""Someone close agreeing now: "confirme", "agrees", "متافق", "onayliyor"."""
ON_BEHALF = tuple(bare(w) for w in word_lists.words("on_behalf"))
"""'au nom de', 'on behalf of', 'باسم', 'adina': written for someone close."""


def _close_one_at(words: list[str], i: int) -> int:
    """How many words someone close takes from index ``i`` (0: none): a relative or a kin
    word ("ma mere", "dad"), a Turkish kin word with its endings ("oglumuzun")."""
    if size := CLOSE_ONE_AT.at(words, i):
        return size
    return 1 if i < len(words) and words[i].startswith(KIN_STEMS) else 0


def names_someone_close(words: list[str]) -> bool:
    """Whether the message names someone close ("la place de mamie", "our son's account",
    "oglumuzun hesabi", "الحجز ديال بابا"), a pronoun aside."""
    return any(
        _close_one_at(words, i) and len(words[i]) >= 3 and words[i] not in FIRST_PERSON
        for i in range(len(words))
    )


TOLD_DONE = tuple(bare(w) for w in word_lists.words("told_done"))
"""An act told as done already: "s est", "cancelled", "lghat", "iptal etti", "hier"."""


def told_done(words: list[str]) -> bool:
    """'ma voisine s'est désinscrite', 'khti lghat l'inscription dyalha', 'annem dün iptal
    etti': an act told as done, by someone close or before; not asked through this message."""
    return word_lists.says(words, TOLD_DONE) or relative_did(words)


def consents_for_someone(words: list[str]) -> bool:
    """'Yes, Mum confirms', 'Oui, ma mère confirme', 'واخا، بابا متافق', 'evet annem
    onayliyor': someone close named, then agreeing now (a relative writing for the person is
    read as the person); "ma mère a confirmé" was done, "yes mum" speaks to her."""
    for i in range(len(words)):
        size = _close_one_at(words, i)
        rest = f"{' '.join(words[i + size :])} "
        said = [phrase for phrase in CONSENTS_FOR if size and rest.startswith(f"{phrase} ")]
        if said and len(rest.split()) - len(said[0].split()) <= CONSENT_TAIL_WORDS:
            return True  # "Yes, Mum confirms, thanks"; not "Dad agrees with the doctor that..."
    return False


CONSENT_TAIL_WORDS = 2
"""At most this many words after someone close agreeing: more, and they agree to something
else ("Dad agrees with the doctor that he should rest")."""


def on_behalf(words: list[str]) -> bool:
    """'je confirme au nom de mon grand-père', 'نأكد باسم جدتي', 'babam adina onayliyorum':
    the person's answer, written on behalf of someone close."""
    for i in range(len(words)):
        size = _close_one_at(words, i)
        if not size:
            continue
        before = f" {' '.join(words[max(0, i - 4) : i])}"
        if any(before.endswith(f" {p}") for p in ON_BEHALF) or words[i + size : i + size + 1] in (
            [p] for p in ON_BEHALF
        ):
            return True  # "au nom de mon grand pere", "babam adina"
    return False


def relative_did(words: list[str]) -> bool:
    """'mon mari a annulé sa place', 'my son cancelled it', 'oğlum iptal etti': an act done by
    someone close, told; not the person asking. Someone close agreeing now ("ma mère
    confirme") writes the person's yes."""
    text = " ".join(words)
    for relative in RELATIVES:
        if len(relative) < 3 or relative in SPOKEN_TO:
            continue  # "il" is too short to say who acted; "ayeh sa7bi confirmé" speaks to him
        at = f" {text} ".find(f" {relative} ")
        if at < 0:
            continue
        after = text[at + len(relative) :].split()[:RELATIVE_DID_WITHIN]
        if any(" ".join(after).startswith(phrase) for phrase in CONSENTS_FOR):
            continue  # "ma mère confirme": agreeing now, through this message
        if word_lists.says(after, PASSIVE):
            return True
    return False


def done_elsewhere(words: list[str]) -> bool:
    """Whether the message tells of an act already done about something else than a seat:
    somewhere else named, or none of the bot's own nouns."""
    text = f" {' '.join(words)} "
    elsewhere = names_elsewhere(words)
    if done_by_others(words):
        return True  # "mon cours de yoga est annulé": not the person's seat
    if not any(f" {phrase}" in text for phrase in DONE):
        return False
    return elsewhere or not names_ours(words)


CANCELLED_NEAR = 3
"""How many words around a cancel verb the thing it cancels may stand."""


def cancels_elsewhere(words: list[str]) -> bool:
    """'Salı günü kuaförü iptal et', 'annule le dentiste de mardi': a cancel whose object,
    right beside the verb, is somewhere or something else, no noun of the bot's named."""
    return _acts_beside_elsewhere(words, CANCEL_STEMS)


def erases_elsewhere(words: list[str]) -> bool:
    """'supprimer le compte facebook de mon père', 'delete my tiktok', 'نمسح الفيسبوك': an
    erase whose object, right beside the verb, is another service, no noun of the bot's
    named."""
    return _acts_beside_elsewhere(words, ERASE_STEMS, whole_short=True)


def _acts_beside_elsewhere(
    words: list[str], verbs: tuple[str, ...], whole_short: bool = False
) -> bool:
    """Whether one of ``verbs`` has somewhere or something else within CANCELLED_NEAR words,
    and no noun of the bot's is named. ``whole_short``: a stem under four letters counts
    only as a whole word ("volées" is no "vol")."""
    if names_ours(words):
        return False
    for i, word in enumerate(words):
        if begins_with(word, verbs, ARABIC_PARTICLES):
            near = words[max(0, i - CANCELLED_NEAR) : i] + words[i + 1 : i + 1 + CANCELLED_NEAR]
            if whole_short and _names_elsewhere_strictly(near):
                return True
            if not whole_short and names_elsewhere(near):
                return True
    return False


def _names_elsewhere_strictly(words: list[str]) -> bool:
    """Whether a word names somewhere else: a long stem begins it, a short one is it."""
    return any(w in SHORT or begins_with(w, LONG, ARABIC_PARTICLES) for w in words)


def on_own_device(words: list[str]) -> bool:
    """Whether the message names one's own device as the place of an act: "I removed my ex's
    number from my phone", "j'ai effacé les photos de mon téléphone"."""
    return word_lists.says(words, OWN_DEVICE)


def others_messages(words: list[str]) -> bool:
    """Whether the messages named are someone else's: a place or a service named right beside
    them ("les sms de la banque", "the bank texts", "الميساجات ديال البنك"). A stop of them
    is no opt-out of the bot's. A short stem counts only as a whole word ("bag" is not
    "bagh")."""
    for i, word in enumerate(words):
        if begins_with(word, MESSAGES, ARABIC_PARTICLES):
            near = words[max(0, i - 2) : i] + words[i + 1 : i + 4]
            if any(
                (w in SHORT or begins_with(w, LONG, ARABIC_PARTICLES))
                and not begins_with(w, MESSAGES, ARABIC_PARTICLES)  # "الاشتراك في الرسائل"
                for w in near
            ):
                return True
    return False


LONG = tuple(stem for stem in ELSEWHERE if len(stem) >= 4)
SHORT = frozenset(stem for stem in ELSEWHERE if len(stem) < 4)


TURKISH_FIRST_PERSON = ("m", "im", "um", "yim", "yum")
"""Turkish verbs that end so speak of oneself ("gelemem", "gelemeyecegim")."""
RELATIVE_BEFORE = 5
"""How many words before a negated coming its subject may stand."""


OTHER_EVENT = tuple(bare(w) for w in word_lists.words("other_event"))
"""Another event someone close may miss: "le loto", "the wedding", "düğün", "العرس"."""


def someone_else_absent(words: list[str]) -> bool:
    """'mon mari ne pourra pas venir au couscous', 'my wife can't come to the parents
    evening', 'kocam yarın düğüne gelemeyecek': someone close who will not come to another
    event named, no noun of the bot's named (no workshop, class or seat): not the
    person's seat given up. Named nowhere ("annem yarın gelemeyecek, hastanede"), it is
    the seat they hold here, written by someone close."""
    if names_ours(words):
        return False
    if not any(begins_with(word, OTHER_EVENT, ARABIC_PARTICLES) for word in words):
        return False  # "annem yarin gelemeyecek, hastanede": a reason, no other event
    found = False
    for i, word in enumerate(words):
        if not word.startswith(COMING):
            continue
        before = words[max(0, i - RELATIVE_BEFORE) : i]
        if not cannot(words[max(0, i - RELATIVE_BEFORE) : i + 3]):
            continue
        text = f" {' '.join(before)} "
        at = max((text.find(f" {r} ") for r in RELATIVES), default=-1)
        if at < 0:
            return False  # a coming of one's own, or of nobody named
        after_relative = text[at:].split()[1:]
        if any(w in FIRST_PERSON for w in after_relative) or word.endswith(TURKISH_FIRST_PERSON):
            return False  # "my son can't drive me so i can't come"
        found = True
    return found

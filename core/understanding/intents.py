"""Understanding what a person wrote, in their own words, in four languages.

A reading goes through explicit steps: normalisation (``core.understanding.normalising``), a
choice number (``core.understanding.numbers``), a linear classifier with a probability
(``core.understanding.classifier``), and a safety policy on top (negation, questions and
conditions: ``core.understanding.negation``).
Only the meaning is decided here; nothing is ever booked or cancelled from a written word
alone: every such intent leads to a screen that asks for confirmation.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from core.understanding import classifier
from core.understanding.commands import INTENT_OF_NAME
from core.understanding.data_questions import asks_about_data
from core.understanding.done_elsewhere import done_elsewhere, names_ours
from core.understanding.negation import (
    about_messages,
    acting_word_negated,
    asks,
    cancel_word,
    cannot,
    conditional,
    erases_personal,
    erases_seat,
    gives_back,
    has_acting_word,
    negated,
    polite_request,
    says_coming,
)
from core.understanding.normalising import is_question, normalise
from core.understanding.numbers import choice_number
from core.understanding.own_booking import asks_about_own_booking, wants_to_know
from core.understanding.practical_questions import asks_practical
from core.understanding.short_answers import THANKS as THANKING
from core.understanding.short_answers import short_answer
from core.understanding.topics import names_a_topic


class TextIntent(enum.StrEnum):
    """What a written message asks for."""

    CANCEL = "cancel"
    MY_BOOKINGS = "my_bookings"
    WORKSHOPS = "workshops"
    SESSION = "session"
    MENU = "menu"
    HELP = "help"
    YES = "yes"
    NO = "no"
    PRIVACY = "privacy"
    FORGET = "forget"
    LANGUAGE = "language"
    EXPLAIN = "explain"
    NUMBER = "number"
    STOP = "stop"
    START = "start"
    UNKNOWN = "unknown"


COMMANDS: dict[str, TextIntent] = {
    "start": TextIntent.MENU,
    "menu": TextIntent.MENU,
    "annuler": TextIntent.CANCEL,
    "cancel": TextIntent.CANCEL,
    "inscriptions": TextIntent.MY_BOOKINGS,
    "mybookings": TextIntent.MY_BOOKINGS,
    "ateliers": TextIntent.WORKSHOPS,
    "workshops": TextIntent.WORKSHOPS,
    "aide": TextIntent.HELP,
    "help": TextIntent.HELP,
    "donnees": TextIntent.PRIVACY,
    "privacy": TextIntent.PRIVACY,
    "oubli": TextIntent.FORGET,
    "forget": TextIntent.FORGET,
    "langue": TextIntent.LANGUAGE,
    "language": TextIntent.LANGUAGE,
    "stop": TextIntent.STOP,
}
COMMANDS.update({name: TextIntent(intent) for name, intent in INTENT_OF_NAME.items()})

SURE = 0.55
"""Below this probability, cancel, erase, stop and yes are not acted on."""
SURE_YES = 0.65
"""A yes confirms a booking or a cancellation: it needs a wider margin."""
ENOUGH = 0.35
"""Below this probability, nothing is read at all."""
ACTING = frozenset({TextIntent.CANCEL, TextIntent.FORGET, TextIntent.STOP})
THANKS = frozenset(
    {"merci", "beaucoup", "bien", "thanks", "thank", "you", "so", "much", "tesekkurler",
     "tesekkur", "ederim", "sagol", "sagolun", "شكرا", "جزيلا", "choukran", "chokran",
     "shukran", "baraka", "allah", "lah", "ykhlik", "bzaf", "mille", "fois", "a", "vous",
     "toi", "encore", "bcp", "tres", "very", "ok", "cok", "bravo", "super", "top", "nickel",
     "parfait", "cool", "great", "perfect", "harika", "ممتاز"}
)  # fmt: skip
"""A message made only of these words thanks; it is never consent."""
FAREWELLS = frozenset(
    {"bye", "goodbye", "revoir", "bientot", "gorusuruz", "hoscakal", "bslama", "السلامه",
     "journee", "soiree", "night", "nuit", "nharek", "nharak", "نهارك", "mabrouk", "mbrouk",
     "مبروك"}
)  # fmt: skip
"""A message that says goodbye does not consent to anything."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What the bot reads in a message, and how sure it is."""

    intent: TextIntent
    confidence: float = 1.0
    number: int | None = None
    topic: TextIntent | None = None
    """For a question or a condition about cancelling or erasing: what it is about."""

    def as_json(self) -> dict[str, object]:
        """The reading as printed by ``atelier understand``."""
        out: dict[str, object] = {"intent": self.intent.value}
        if self.number is not None:
            out["number"] = self.number
        if self.topic is not None:
            out["topic"] = self.topic.value
        out["confidence"] = round(self.confidence, 3)
        return out


UNKNOWN = Reading(TextIntent.UNKNOWN, 0.0)


def command_of(text: str) -> tuple[str, str] | None:
    """('start', 's12') for '/start s12'; None when the text is not a command."""
    match = re.match(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", text.strip(), re.DOTALL)
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def read(
    text: str, language: str | None = None, model: classifier.LinearModel | None = None
) -> Reading:
    """What a message means, context-free, for a person on the main menu.

    ``model`` is the shipped classifier unless another is given (cross-validation).
    """
    stripped = text.strip()
    if not stripped:
        return UNKNOWN
    if set(stripped) <= set("?¿؟ "):
        return Reading(TextIntent.EXPLAIN)
    command = command_of(stripped)
    if command is not None:
        intent = COMMANDS.get(command[0])
        return Reading(intent) if intent is not None else UNKNOWN
    words = normalise(stripped, language).split()
    if not words:
        return UNKNOWN
    number = choice_number(words)
    if number is not None:
        return Reading(TextIntent.NUMBER, 1.0, number)
    mark = is_question(stripped)
    short = short_answer(words, mark)
    if short is not None:
        return Reading(TextIntent(short), 1.0)
    probabilities = (model or classifier.shipped()).probabilities(" ".join(words))
    best = max(probabilities, key=probabilities.__getitem__)
    reading = _safe(TextIntent(best), probabilities, words, mark)
    return _in_light_of(reading, words, mark, probabilities)


def _in_light_of(
    reading: Reading, words: list[str], mark: bool, probabilities: dict[str, float]
) -> Reading:
    """The classifier's reading, corrected by what the words clearly say around it."""
    intent = reading.intent

    def sure(of: TextIntent) -> Reading:
        return Reading(of, max(probabilities[of.value], ENOUGH))

    if intent in ACTING and done_elsewhere(words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "j'ai annulé chez le médecin"
    if intent in CANCEL_OVERRIDES and (
        cancels_our_booking(words, mark) and probabilities[TextIntent.CANCEL.value] >= ASIDE
    ):  # "désinscrivez-moi de l'atelier WhatsApp": the topic named is the seat given up
        return Reading(TextIntent.CANCEL, max(probabilities[TextIntent.CANCEL.value], SURE))
    if not_understood(words) and not has_acting_word(words):
        if any(w in LANGUAGE_NAMES for w in words):
            return sure(TextIntent.LANGUAGE)  # "ما كنفهمش الفرنسية": another language
        if names_a_topic(words):
            return sure(TextIntent.SESSION)  # "france connect, je comprends pas: un atelier ?"
        if HOW & set(words):
            return sure(TextIntent.HELP)  # "je comprends pas comment réserver": how to
        if intent != TextIntent.EXPLAIN:
            return sure(TextIntent.EXPLAIN)
    if intent == TextIntent.NO and acting_word_negated(words) and wants_to_know(words):
        return sure(TextIntent.MY_BOOKINGS)  # "n'annulez pas, je veux juste savoir l'heure"
    about_data = asks_about_data(words, mark)
    if intent in ABOUT_ANYTHING and about_data:
        return sure(TextIntent.PRIVACY)
    if intent in PRACTICAL_OVERRIDES and not about_data and asks_practical(words, mark):
        return sure(TextIntent.HELP)
    own = asks_about_own_booking(words, mark) and not has_acting_word(words)
    if own and intent in ABOUT_ANYTHING and reading.topic is None:
        return sure(TextIntent.MY_BOOKINGS)
    if (
        intent in TOPIC_OVERRIDES
        and reading.topic is None
        and not has_acting_word(words)
        and names_a_topic(words)
    ):
        return sure(TextIntent.SESSION)  # "le truc sur le CV", "the Canva one"
    return reading


PRACTICAL_OVERRIDES = frozenset(
    {TextIntent.PRIVACY, TextIntent.UNKNOWN, TextIntent.MY_BOOKINGS, TextIntent.WORKSHOPS,
     TextIntent.SESSION, TextIntent.MENU, TextIntent.EXPLAIN}
)  # fmt: skip
"""Readings that a practical question (the shop's number or hours, what to bring, the cost)
turns into help."""
CANCEL_OVERRIDES = frozenset(
    {TextIntent.SESSION, TextIntent.UNKNOWN, TextIntent.WORKSHOPS, TextIntent.MY_BOOKINGS,
     TextIntent.EXPLAIN, TextIntent.MENU}
)  # fmt: skip
"""Readings that a clear cancel of one's seat turns into a cancel (its confirmation screen)."""
ASIDE = 0.1
"""The classifier must see a cancel at least this likely for a cancel verb to be read."""


LATE = ("retard", "tard", "late", "later", "gec", "m3ttal", "متاخر", "مطول")
"""'Je ne pourrai pas venir à l'heure, je serai en retard': late, still coming."""


def cancels_our_booking(words: list[str], mark: bool) -> bool:
    """A cancel verb on a seat, a booking or a workshop ("désinscrivez-moi de l'atelier
    WhatsApp"), a negated coming ("je vais pas pouvoir venir") or a seat given away ("3tiw
    blasti l chi wa7ed"); neither asked about, set as a condition, nor done elsewhere."""
    if conditional(words) or (asks(words, mark) and not polite_request(words)):
        return False
    if done_elsewhere(words):
        return False
    ours = names_ours(words)
    erased = erases_seat(words)  # "kaydimi silin", "supprimez ma réservation"
    explicit = (cancel_word(words) or erased) and ours and not acting_word_negated(words)
    not_coming = (
        negated(words) and says_coming(words) and not any(w.startswith(LATE) for w in words)
    )
    given = gives_back(words) and ours
    return explicit or not_coming or given


TOPIC_OVERRIDES = frozenset(
    {TextIntent.WORKSHOPS, TextIntent.UNKNOWN, TextIntent.HELP, TextIntent.MENU}
)
"""Readings that naming a workshop's topic turns into that workshop."""


UNDERSTANDING = (
    "compren", "compri", "capt", "saisi", "understand", "understood", "follow", "get", "got",
    "fhm", "fham", "fhem", "فهم", "anla", "dunno",
)  # fmt: skip
"""Verbs of understanding: "je comprends pas", "don't get it", "ma fhmtch", "anlamadım"."""


def not_understood(words: list[str]) -> bool:
    """Whether the message says the person did not understand (a negated verb of understanding)."""
    if "dunno" in words:
        return True
    if len(words) <= 4 and any(w.startswith(MEANING) for w in words):
        return True  # "wach t9sad ?", "ne demek", "tu veux dire quoi"
    at = [
        i
        for i, w in enumerate(words)
        if (w.startswith(UNDERSTANDING) or "فهم" in w or "فاهم" in w) and _understands(words, i)
    ]
    if not at:
        return False
    return negated(words) or any(
        words[i].startswith(("anlama", "anlayama")) or "fhmt" in words[i] for i in at
    )


LANGUAGE_NAMES = frozenset(
    {"francais", "french", "fransizca", "الفرنسيه", "فرنسيه", "الفرونسي", "fransawiya",
     "anglais", "english", "ingilizce", "الانجليزيه", "الانجليزية", "arabe", "arabic", "arapca",
     "العربيه", "عربيه", "l3arbiya", "turc", "turkish", "turkce", "التركيه"}
)  # fmt: skip
HOW = frozenset({"comment", "how", "kifach", "كيفاش", "nasil", "كيف", "kif"})
MEANING = ("t9sad", "t9sd", "tqsad", "tqsd", "تقصد", "تقصدي", "ta3ni", "تعني", "demek", "kastin")
""""What do you mean": asked alone, the screen was not understood."""
GETTING = frozenset({"get", "got", "getting", "follow", "following"})
GOT_WHAT = frozenset({"it", "that", "this", "you", "what", "anything", "ca", "meaning"})


THANKED_FOR = ("تفهمكم", "لتفهمكم", "تفهمك", "لتفهمك", "anlayisiniz", "anlayisin")
"""'Thank you for your understanding': no word of not understanding."""


def _understands(words: list[str], index: int) -> bool:
    """'Get' and 'follow' are verbs of understanding only with what is understood after them
    ("i don't get it") or at the end: "my shift got moved" is not about understanding."""
    if any(w.endswith(("dan", "den", "tan", "ten")) for w in words[max(0, index - 2) : index]):
        return False  # "bilgisayardan pek anlamam": about computers, not this screen
    if words[index].startswith(THANKED_FOR):
        return False
    if words[index].startswith(("get", "got", "follow")) and words[index] not in GETTING:
        return False  # "getirmem", "gotta": other words
    if words[index] not in GETTING:
        return True
    return index + 1 == len(words) or words[index + 1] in GOT_WHAT


ABOUT_ANYTHING = frozenset(
    {TextIntent.HELP, TextIntent.WORKSHOPS, TextIntent.UNKNOWN, TextIntent.EXPLAIN,
     TextIntent.MENU, TextIntent.SESSION}
)  # fmt: skip
"""Readings that a question about one's own booking overrides (never an act, yes or no)."""


def _safe(
    intent: TextIntent, probabilities: dict[str, float], words: list[str], mark: bool
) -> Reading:
    """The safety policy: what the classifier proposes, only when it may be acted on."""
    confidence = probabilities[intent.value]
    if confidence < ENOUGH or intent == TextIntent.UNKNOWN:
        return Reading(TextIntent.UNKNOWN, confidence)
    if intent == TextIntent.CANCEL and (about_messages(words) or _disturbed(words)):
        intent = TextIntent.STOP  # "désinscription des sms": the messages, not a seat
    if intent == TextIntent.CANCEL and not has_acting_word(words) and _remembers(words):
        return Reading(TextIntent.MY_BOOKINGS, confidence)  # "je ne me souviens plus de..."
    if intent == TextIntent.CANCEL and (_erases_data(words) or _forgets_person(words)):
        intent = TextIntent.FORGET  # "remove my details": data, not a seat
    if intent in ACTING or (intent == TextIntent.NUMBER):
        if intent == TextIntent.NUMBER:
            return Reading(TextIntent.UNKNOWN, confidence)  # a number is read by rules only
        if has_acting_word(words) and acting_word_negated(words):
            return Reading(TextIntent.NO, confidence)
        if conditional(words) or (asks(words, mark) and not polite_request(words)):
            # "comment supprimer mes données ?" is answered by the privacy notice
            about = TextIntent.PRIVACY if intent == TextIntent.FORGET else TextIntent.HELP
            return Reading(about, confidence, topic=intent)
        if confidence < SURE:
            return Reading(TextIntent.UNKNOWN, confidence)
        if not _plausible(intent, words, confidence):
            return _next(intent, probabilities, words, mark)
    if intent == TextIntent.YES:
        thanks_only = all(word in THANKS for word in words) and not {"oui", "yes"} & set(words)
        if thanks_only and ("ok" not in words or THANKING & set(words)):
            return Reading(TextIntent.UNKNOWN, confidence)  # "ok merci" closes a talk
        if FAREWELLS & set(words) or not _says_yes(words) or _not_for_us(words):
            return Reading(TextIntent.UNKNOWN, confidence)
        if _brings_company(words):
            return Reading(TextIntent.UNKNOWN, confidence)  # "je viendrai avec mes enfants"
        if cannot(words) or any(w.startswith(AWAY) for w in words) or _darija_not(words):
            # "je ne serai pas présente", "je serai absente": not a yes; the next reading then
            return _next(intent, probabilities, words, mark, TextIntent.NO)
        if confidence < SURE_YES or mark:
            return Reading(TextIntent.UNKNOWN, confidence)
    return Reading(intent, confidence)


APOLOGIES = ("desole", "sorry", "excuse", "pardon", "ozur", "affedersin", "smeh", "سمح", "اسف")


MISSENT = (
    "meant for", "wrong person", "wrong number", "wrong chat", "ignore", "pas pour vous",
    "ignorez", "mauvais numero", "mauvaise personne", "trompe de", "yanlis kisi",
    "yanlis numara", "dikkate almayin", "ghalat", "machi lik", "ماشي ليك", "تجاهل",
)  # fmt: skip
"""A yes sent to the wrong chat, or to be ignored, is not consent."""


def _not_for_us(words: list[str]) -> bool:
    text = f" {' '.join(words)} "
    return any(f" {phrase}" in text for phrase in MISSENT)


def _disturbed(words: list[str]) -> bool:
    """'ne plus être dérangé', 'laissez-moi tranquille': the messages, not a seat.

    "Sorry to bother you", "désolée de vous déranger" apologise: they ask nothing."""
    stems = ("derang", "tranquil", "disturb", "rahatsiz", "bother", "contact", "opt")
    return any(
        w.startswith(stems) and not any(v.startswith(APOLOGIES) for v in words[max(0, i - 4) : i])
        for i, w in enumerate(words)
    )


MEMORY = (
    "souvien", "rappelle", "rapelle", "remember", "recall", "hatirlami", "hatirlayami",
    "hatirlamiyorum", "تذكر", "نسيت", "nsit", "3a9el",
)  # fmt: skip
"""Not remembering one's booking asks to see it; it does not cancel it. ("Rappel" and
"hatırlatma" are the reminder: "suite à votre rappel, je ne pourrai pas venir" cancels.)"""


def _remembers(words: list[str]) -> bool:
    return any(w.startswith(MEMORY) for w in words)


ELSE_THAN_COMING = (
    "talk", "speak", "parl", "konus", "nhder", "nhdr", "hder", "repond", "answer", "reflechi",
    "think", "dusun", "nfker", "simpl", "explain", "expliq", "figur", "manag", "writ", "typ",
    "ecri", "tap", "sors", "servir", "use", "using",
)  # fmt: skip
"""Verbs whose "cannot" or "not" is about something else than coming to the workshop."""

ACCEPTING = ("kabul", "accept", "agree", "onay", "موافق", "daccord", "d accord")
"""Verbs of agreeing: negated, they refuse what was asked; they never cancel a seat."""


def _darija_not(words: list[str]) -> bool:
    """'ma b9itch', 'ma ghadich': darija "ma ... ch" around a verb."""
    return any(
        i > 0 and words[i - 1] in ("ma", "mat", "m") and word.endswith(("ch", "sh"))
        for i, word in enumerate(words)
    )


AWAY = ("absen", "empech", "imprevu", "unable", "unavailable")
"""Words that say one will be away: never a yes, even beside "je serai"."""


def _forgets_person(words: list[str]) -> bool:
    """'beni unut', 'oubliez-moi', 'forget me': the person, not a seat."""
    forgets = any(w.startswith(("unut", "forget", "oubli")) for w in words)
    return forgets and erases_personal(words) and not acting_word_negated(words)


def _erases_data(words: list[str]) -> bool:
    data_stems = ("donnee", "data", "veri", "bilgi", "detail", "info", "fichier", "system")
    data = any(w.startswith(data_stems) for w in words)
    return data and erases_personal(words) and not acting_word_negated(words)


BARE_CANCEL = 0.85
"""A cancel with neither a cancel word nor a negation ("empêchement") needs this much."""


def _plausible(intent: TextIntent, words: list[str], confidence: float) -> bool:
    """Whether the words can carry the acting reading at all.

    A cancel without a cancel word must say that one cannot come ("je ne peux pas venir",
    "gelemiyorum", "ma nqderch nji"): "je viens", "geleceğim" or "ma place" never cancel.
    An erase must bear on data or on the person: "forget it" does not erase.
    """
    if intent == TextIntent.CANCEL and not has_acting_word(words):
        if any(w.startswith(ELSE_THAN_COMING) for w in words):
            return False  # "i can't talk now", "je vais réfléchir": not about coming
        if any(w.startswith(ACCEPTING) for w in words):
            return False  # "kabul etmiyorum", "i don't agree": a refusal, not a cancel
        if any(w.startswith(LATE) for w in words):
            return False  # "je ne pourrai pas venir à l'heure, je serai en retard": coming
        if cannot(words) or gives_back(words):
            return True
        return not says_coming(words) and confidence >= BARE_CANCEL
    if intent == TextIntent.FORGET:
        return erases_personal(words)
    return True


def _next(
    intent: TextIntent,
    probabilities: dict[str, float],
    words: list[str],
    mark: bool,
    fallback: TextIntent = TextIntent.UNKNOWN,
) -> Reading:
    """The reading after ``intent`` was ruled out; ``fallback`` when nothing else is clear."""
    rest = {k: v for k, v in probabilities.items() if k != intent.value}
    runner_up = max(rest, key=rest.__getitem__)
    if rest[runner_up] < ENOUGH:
        return Reading(fallback, probabilities.get(fallback.value, 0.0))
    return _safe(TextIntent(runner_up), rest, words, mark)


YES_WORDS = frozenset(
    {"oui", "ouais", "ouai", "ouep", "oue", "wi", "ui", "ok", "daccord", "dakor", "daccor",
     "dacc", "confirme", "confirmer", "confirmez", "confirmed", "confirm", "valide", "valider",
     "sur", "evidemment", "absolument", "exactement", "volontiers", "plaisir", "parfait",
     "carrement", "viens", "viendrai", "serai", "present", "presente", "partante", "partant",
     "entendu", "affirmatif", "si", "yes", "yeah", "yep", "yup",
     "sure", "course", "absolutely", "definitely", "fine", "alright", "right", "correct",
     "good", "great", "coming", "ahead", "evet", "evt", "tamam",
     "tamamdir", "olur", "tabii", "tabi", "elbette", "peki", "kesinlikle", "onayliyorum",
     "onayla", "onay", "uygun", "gelirim", "gelecegim", "geliyorum", "olacagim", "aynen",
     "نعم", "ايوه", "اه", "اكيد", "طبعا", "موافق", "حسنا", "تمام", "طيب", "اوكي",
     "واخا", "وخا", "ايه", "اؤكد", "تاكيد", "ساحضر", "ساكون", "نجي", "جاي", "wakha", "wakhha",
     "waxa", "iyeh", "eyh", "na3am", "n3am", "akid", "mzyan", "nji", "ghanji", "marche",
     "roule", "va", "convient", "بالتاكيد", "kaydet", "kaydedin", "anlastik",
     "dak", "sounds", "accord", "fait", "vas", "ouii", "oki", "okk", "k", "go",
     "acc", "yess", "okie", "dokie", "ya", "wah", "ih", "saha", "sahha", "reserve",
     "reservez", "prends",
     "works", "accepte", "accepter",
     "accept", "agree", "kabul", "katiliyorum", "memnuniyetle", "pleasure", "nkoun", "نكون",
     "اوك", "ايوا", "مزيان", "اوكد", "اقبل", "aye", "vi", "safi", "ewa", "iwa", "come"}
)  # fmt: skip
"""A yes is read only when one of these words is written: "ouistiti" or "okapi" are not."""


YES_PHRASES = (
    "c est bon", "tout bon", "be there", "pas de probleme", "pas de souci", "no problem", "why not",
    "sorun yok", "sorun degil", "ma kayn mouchkil", "bla mochkil", "بلا مشكل", "ماشي مشكل",
    "ما كاين مشكل", "no worries", "pourquoi pas", "c bon", "veux bien", "do it", "count me in",
    "book it",
    "machi mochkil", "machi mouchkil", "mashi mochkil",
)  # fmt: skip


COMING_ONLY = frozenset(
    {"viens", "viendrai", "serai", "coming", "come", "gelirim", "gelecegim", "geliyorum",
     "olacagim", "nji", "ghanji", "نجي", "جاي", "ساحضر", "ساكون", "nkoun", "نكون"}
)  # fmt: skip
COMPANY = frozenset({"avec", "with", "m3a", "مع", "ile", "beraber", "birlikte", "ensemble"})


def _brings_company(words: list[str]) -> bool:
    """'je viendrai avec mes 2 enfants', 'eşimle geleceğim': who comes along, not a consent."""
    coming_only = not {w for w in words if w in YES_WORDS} - COMING_ONLY
    company = bool(COMPANY & set(words)) or any(
        len(w) > 4 and w.endswith(("imle", "imla", "iyle", "yla", "yle")) for w in words
    )
    return coming_only and company


def _says_yes(words: list[str]) -> bool:
    text = f" {' '.join(words)} "
    return any(word in YES_WORDS for word in words) or any(
        f" {phrase} " in text for phrase in YES_PHRASES
    )


def intent_of(text: str, language: str | None = None) -> TextIntent | None:
    """The intent of a written message, or None when it is not understood."""
    intent = read(text, language).intent
    return None if intent == TextIntent.UNKNOWN else intent


def number_of(text: str, language: str | None = None) -> int | None:
    """The choice number a message clearly names: '2', 'le 3', '3 stp', 'la deuxième'."""
    return choice_number(normalise(text, language).split())


def opt_out_of(text: str, language: str | None = None) -> bool | None:
    """True for STOP and its everyday forms, False for START, else None."""
    command = command_of(text)
    if command is not None:
        return {"stop": True, "start": False}.get(command[0]) if not command[1] else None
    intent = read(text, language).intent
    if intent == TextIntent.STOP:
        return True
    if intent == TextIntent.START:
        return False
    return None


def best_title(text: str, titles: list[str]) -> int | None:
    """The index of the title a message names, even approximately, if one clearly does."""
    clean = normalise(text)
    if len(clean) < 5 or not titles:
        return None
    choices = [normalise(title) for title in titles]
    best = process.extractOne(clean, choices, scorer=fuzz.WRatio, score_cutoff=86)
    return None if best is None else int(best[2])


__all__ = ["Reading", "TextIntent", "command_of", "intent_of", "normalise", "read"]

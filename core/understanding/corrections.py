"""The corrections: the judged reading, changed by what the words clearly say around it.

Each correction is one named component. It looks at the reading and the message and either
lets the reading stand (None) or gives another one. They are tried in the order of
``CORRECTIONS`` below; the first that gives a reading decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.understanding import word_lists
from core.understanding.addressed import opens_spoken_to
from core.understanding.clauses import hedged, reported, starts_with_no
from core.understanding.data_questions import asks_about_data, asks_who_knows_or_records
from core.understanding.done_elsewhere import (
    ARABIC_PARTICLES,
    ELSEWHERE,
    cancels_elsewhere,
    device_trouble,
    done_by_others,
    done_elsewhere,
    erases_elsewhere,
    names_elsewhere,
    names_ours,
    names_someone_close,
    on_own_device,
    others_messages,
    someone_else_absent,
    told_done,
)
from core.understanding.message import Message
from core.understanding.negation import (
    COMING,
    MESSAGES,
    about_messages,
    acting_word_negated,
    asks,
    begins_with,
    cancel_word,
    erases_seat,
    gives_back,
    has_acting_word,
    negated,
)
from core.understanding.normalising import bare
from core.understanding.own_booking import asks_about_own_booking, wants_to_know
from core.understanding.practical_questions import (
    CLASS_PEOPLE,
    asks_language_of_classes,
    asks_practical,
)
from core.understanding.reading import ACTING, Reading, TextIntent
from core.understanding.safety import LATE, absent_before, asked_or_conditional, remembers
from core.understanding.thresholds import ASIDE, ENOUGH, MEANING_WORDS, SURE
from core.understanding.topics import gives_opinion, names_a_topic, tells_attended

Correct = Callable[[Reading, Message], Reading | None]


@dataclass(frozen=True, slots=True)
class Correction:
    """One named correction."""

    name: str
    run: Correct


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
TOPIC_OVERRIDES = frozenset(
    {TextIntent.WORKSHOPS, TextIntent.UNKNOWN, TextIntent.HELP, TextIntent.MENU}
)
"""Readings that naming a workshop's topic turns into that workshop."""
ABOUT_ANYTHING = frozenset(
    {TextIntent.HELP, TextIntent.WORKSHOPS, TextIntent.UNKNOWN, TextIntent.EXPLAIN,
     TextIntent.MENU, TextIntent.SESSION}
)  # fmt: skip
"""Readings that a question about one's own booking overrides (never an act, yes or no)."""

UNDERSTANDING = word_lists.words("understanding")
"""Verbs of understanding: "je comprends pas", "don't get it", "ma fhmtch", "anlamadım"."""
LANGUAGE_NAMES = word_lists.word_set("language_name")
HOW = word_lists.word_set("how")
MEANING = word_lists.words("what_do_you_mean")
""""What do you mean": asked alone, the screen was not understood."""
GETTING = word_lists.word_set("getting")
GOT_WHAT = word_lists.word_set("got_what")
THANKED_FOR = word_lists.words("thanked_for_understanding")
"""'Thank you for your understanding': no word of not understanding."""


def cancels_our_booking(words: list[str], mark: bool) -> bool:
    """A cancel verb on a seat, a booking or a workshop ("désinscrivez-moi de l'atelier
    WhatsApp"), a negated coming ("je vais pas pouvoir venir") or a seat given away ("3tiw
    blasti l chi wa7ed"); neither asked about, set as a condition, nor done elsewhere."""
    if asked_or_conditional(words, mark):
        return False
    if done_elsewhere(words) or about_messages(words):
        return False  # "désinscription des sms" is a stop, not a seat given up
    ours = names_ours(words)
    erased = erases_seat(words)  # "kaydimi silin", "supprimez ma réservation"
    explicit = (cancel_word(words) or erased) and ours and not acting_word_negated(words)
    answer = words[1:] if starts_with_no(words) else words  # "no, I can come after all"
    not_coming = (
        negated_near_coming(answer)
        and not acting_word_negated(words)  # "ghadi nji, ma tlghiwch": coming, no cancel
        and not any(w.startswith(LATE) for w in words)
        and not absent_before(words)  # "j'ai pas pu venir hier": past, no seat given up
        and not something_else_comes(words)
        and not someone_else_absent(words)  # "mon mari ne pourra pas venir au couscous"
        and not opens_spoken_to(words)  # "boss, I can't come in today"
    )
    given = gives_back(words) and ours
    return explicit or not_coming or given


NEAR_COMING = (5, 2)
"""How many words before and after a coming word a negation bears on it ("je ne vais pas
pouvoir venir", "je viens pas"); "my French is not great ... what is coming up" is no
negated coming."""


def negated_near_coming(words: list[str]) -> bool:
    """Whether a word of coming is negated close to it, or negates itself ("gelemiyorum")."""
    before, after = NEAR_COMING
    return any(
        negated(words[max(0, i - before) : i + after + 1])
        for i, w in enumerate(words)
        if w.startswith(COMING)
    )


def something_else_comes(words: list[str]) -> bool:
    """'my bus didn't come', 'le tram n'est pas venu': every coming word said of a thing
    named just before it (a bus, a train), not of the person."""
    at = [i for i, w in enumerate(words) if w.startswith(COMING)]
    return bool(at) and all(
        any(w.startswith(ELSEWHERE) for w in words[max(0, i - 4) : i]) for i in at
    )


def not_understood(words: list[str]) -> bool:
    """Whether the message says the person did not understand (a negated verb of understanding)."""
    if "dunno" in words:
        return True
    if len(words) <= MEANING_WORDS and any(w.startswith(MEANING) for w in words):
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


def _sure(of: TextIntent, message: Message) -> Reading:
    """A corrected reading, as sure as the classifier saw it, and at least ENOUGH."""
    return Reading(of, max(message.probabilities[of.value], ENOUGH))


def _lost(message: Message) -> bool:
    """The message says it did not understand, and asks for no act."""
    return not_understood(message.words) and not has_acting_word(message.words)


# The corrections, each a component named in ``CORRECTIONS``.


def _done_elsewhere(reading: Reading, message: Message) -> Reading | None:
    """'j'ai annulé chez le médecin': an act done elsewhere asks nothing of us."""
    if reading.intent in ACTING and done_elsewhere(message.words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)
    if reading.intent == TextIntent.CANCEL and cancels_elsewhere(message.words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "kuaförü iptal et"
    if reading.intent in (TextIntent.CANCEL, TextIntent.FORGET) and device_trouble(message.words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "un virus, enlevez-le"
    if reading.intent == TextIntent.FORGET and erases_elsewhere(message.words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "supprimer mon compte facebook"
    if reading.intent == TextIntent.FORGET and on_own_device(message.words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "... from my phone"
    if reading.intent == TextIntent.STOP and others_messages(message.words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "les sms de la banque"
    if reading.intent == TextIntent.YES and done_by_others(message.words):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "confirmé à la préfecture"
    return None


CONTINUING = tuple(bare(w) for w in word_lists.words("continuing"))
"""Stems of going on: "continuez", "keep", "devam", "استمروا"."""
SENDING = tuple(bare(w) for w in word_lists.words("sending_verb"))
STOPPING = tuple(bare(w) for w in word_lists.words("stopping_verb"))
TURKISH_NOT_GOING_ON = ("etme", "etmey", "etmes")
"""'devam etmeyin': the Turkish negative after "devam"."""


def continues_sending(words: list[str]) -> bool:
    """'continuez à m'envoyer les rappels', 'keep sending me texts', 'bana mesaj göndermeye
    devam edin': asked to go on sending, neither word negated, no stop asked beside it.
    "Mum keeps reading them" is told, not asked: a word of going on ends with no "s"."""
    if any(w.startswith(STOPPING) for w in words):
        return False
    for i, word in enumerate(words):
        if not word.startswith(CONTINUING) or word.endswith("s"):
            continue
        if negated(words[max(0, i - 3) : i]):
            return False  # "don't keep sending", "ne continuez pas"
        if words[i + 1 : i + 2] and words[i + 1].startswith(TURKISH_NOT_GOING_ON):
            return False  # "devam etmeyin"
        after = words[i + 1 : i + 4]  # "keep sending", "continuez à m'envoyer"
        if word == "keep" and not (after and after[0].endswith("ing")):
            continue  # "do you keep my messages": kept, not sent
        before = words[max(0, i - 2) : i]  # "göndermeye devam", "إرسال ... استمروا"
        if any(w.startswith(SENDING) for w in after) or any(
            w.startswith(SENDING) and w.endswith(("meye", "maya")) for w in before
        ):
            return True
    return False


AGAIN = tuple(bare(w) for w in word_lists.words("again"))
"""'à nouveau', 'again', 'tekrar', 'من جديد'."""


def asks_again(words: list[str]) -> bool:
    """'je veux recevoir les rappels à nouveau', 'أريد استقبال الرسائل مجددا', 'tekrar
    gönderin': the messages wanted back; not beside a word of stopping nor a negation
    ("ne m'envoyez plus jamais", "لا أريد الرسائل مجددا")."""
    if not word_lists.says(words, AGAIN):
        return False
    if any(w.startswith(STOPPING) for w in words) or negated(words):
        return False
    return any(begins_with(w, (*SENDING, *MESSAGES), ARABIC_PARTICLES) for w in words)


WORKSHOP_LIST = tuple(bare(w) for w in word_lists.words("workshop_list"))
"""The list of workshops: "la liste", "the schedule", "listeyi", "اللائحة"."""
RESENDING = (*SENDING, *(bare(w) for w in word_lists.words("sending_again")))
"""Sending, or sending again: "renvoyez", "send", "gönderin", "عاود"."""
MY_LIST = word_lists.word_set("possessive", "my_list")
"""One's own list ("ma liste", "my list", "listem"): one's bookings, not the workshops."""
LIST_MISREAD = frozenset(
    {TextIntent.START, TextIntent.MY_BOOKINGS, TextIntent.EXPLAIN, TextIntent.UNKNOWN}
)
"""Readings "send me the list again" is taken for."""


def _list_again(reading: Reading, message: Message) -> Reading | None:
    """'renvoyez la liste', 'send the list again', 'listeyi tekrar gönder': the workshops,
    not the messages back on; nor one's bookings when "my" is not said."""
    words = message.words
    named = any(begins_with(w, WORKSHOP_LIST, ARABIC_PARTICLES) for w in words)
    sent_again = word_lists.says(words, AGAIN) or any(w.startswith(RESENDING) for w in words)
    if (
        reading.intent in LIST_MISREAD
        and named
        and sent_again
        and not about_messages(words)
        and not has_acting_word(words)
        and not MY_LIST & set(words)
    ):
        return _sure(TextIntent.WORKSHOPS, message)
    return None


def _continues_sending(reading: Reading, message: Message) -> Reading | None:
    """'mesaj göndermeye devam edin' (go on sending), 'أريد الرسائل من جديد' (again): a
    start, not a stop, nor a stop the safety rules left unread."""
    probabilities = message.probabilities
    likely = probabilities[TextIntent.STOP.value] + probabilities[TextIntent.START.value]
    stop_or_unread = reading.intent == TextIntent.STOP or (
        reading.intent == TextIntent.UNKNOWN and likely >= ENOUGH
    )
    words = message.words
    if stop_or_unread and (continues_sending(words) or asks_again(words)):
        return _sure(TextIntent.START, message)
    return None


def _cancels_our_booking(reading: Reading, message: Message) -> Reading | None:
    """'désinscrivez-moi de l'atelier WhatsApp': the topic named is the seat given up."""
    if reading.intent not in CANCEL_OVERRIDES or not cancels_our_booking(
        message.words, message.mark
    ):
        return None
    cancel = message.probabilities[TextIntent.CANCEL.value]
    if cancel < ASIDE and not for_someone_close(message.words):
        return None
    return Reading(TextIntent.CANCEL, max(cancel, SURE))


def for_someone_close(words: list[str]) -> bool:
    """'Nous annulons la place de mamie', 'We need to give up Grandma's place': the seat of
    someone close, given up in words (a cancel verb, a seat given back) by the one who writes
    for them (the classifier, which has seen many relatives' own doings, is unsure of it);
    neither reported, hedged, nor beside somewhere else ("mon père a pu annuler son
    rendez-vous à la mairie grâce à l'atelier") nor a thing forgotten ("Mum forgot which day
    her class is")."""
    return (
        names_someone_close(words)
        and (cancel_word(words) or gives_back(words))
        and not names_elsewhere(words)
        and not remembers(words)
        and not told_done(words)
        and not reported(words)
        and not hedged(words)
    )


def _other_language(reading: Reading, message: Message) -> Reading | None:
    """'ما كنفهمش الفرنسية': not understood, in another language: the language screen."""
    if _lost(message) and any(w in LANGUAGE_NAMES for w in message.words):
        return _sure(TextIntent.LANGUAGE, message)
    return None


def _topic_not_understood(reading: Reading, message: Message) -> Reading | None:
    """'france connect, je comprends pas': not understood, a topic named: that workshop."""
    if _lost(message) and names_a_topic(message.words):
        return _sure(TextIntent.SESSION, message)
    return None


def _how_not_understood(reading: Reading, message: Message) -> Reading | None:
    """'je comprends pas comment réserver': how to, the help screen."""
    if _lost(message) and HOW & set(message.words):
        return _sure(TextIntent.HELP, message)
    return None


def _not_understood(reading: Reading, message: Message) -> Reading | None:
    """'je comprends pas', 'ma fhmtch': the screen is explained again."""
    if _lost(message) and reading.intent != TextIntent.EXPLAIN:
        return _sure(TextIntent.EXPLAIN, message)
    return None


def _just_wants_to_know(reading: Reading, message: Message) -> Reading | None:
    """'n'annulez pas, je veux juste savoir l'heure': a no that asks to see one's bookings."""
    words = message.words
    if reading.intent == TextIntent.NO and acting_word_negated(words) and wants_to_know(words):
        return _sure(TextIntent.MY_BOOKINGS, message)
    return None


WHO_KNOWS_MISREAD = ABOUT_ANYTHING | {TextIntent.MY_BOOKINGS}
"""Readings "does the town hall see my bookings?" is taken for."""


def _about_data(reading: Reading, message: Message) -> Reading | None:
    """'qu'est-ce que vous gardez sur moi ?': a question about one's data, the privacy notice."""
    words, mark = message.words, message.mark
    if reading.intent in ABOUT_ANYTHING and asks_about_data(words, mark):
        return _sure(TextIntent.PRIVACY, message)
    if reading.intent in WHO_KNOWS_MISREAD and asks_who_knows_or_records(words, mark):
        return _sure(TextIntent.PRIVACY, message)  # "la mairie voit mes inscriptions ?"
    return None


def _practical_question(reading: Reading, message: Message) -> Reading | None:
    """The shop's number or hours, what to bring, the cost: the help screen."""
    words, mark = message.words, message.mark
    if (
        reading.intent in PRACTICAL_OVERRIDES
        and not asks_about_data(words, mark)
        and asks_practical(words, mark)
    ):
        return _sure(TextIntent.HELP, message)
    return None


LANGUAGE_MISREAD = frozenset({TextIntent.LANGUAGE, TextIntent.UNKNOWN})
"""Readings a question on the language of the classes is taken for ("is the WhatsApp class
in English?" names a workshop: it stays that workshop's card)."""


def _language_of_classes(reading: Reading, message: Message) -> Reading | None:
    """'le formateur parle arabe ?': the language the classes are given in, the help screen."""
    if reading.intent in LANGUAGE_MISREAD and asks_language_of_classes(message.words, message.mark):
        return _sure(TextIntent.HELP, message)
    return None


def names_a_class(words: list[str]) -> bool:
    """Whether a workshop, a class or who gives it is named ("l'atelier", "فالورشة")."""
    return any(begins_with(w, CLASS_PEOPLE, ARABIC_PARTICLES) for w in words)


def _own_booking(reading: Reading, message: Message) -> Reading | None:
    """'c'est à quelle heure mon atelier ?': a question about one's own booking."""
    words = message.words
    own = (
        asks_about_own_booking(words, message.mark)
        and not has_acting_word(words)
        and not (names_elsewhere(words) and not names_a_class(words))  # "j'ai réservé un train"
    )
    if own and reading.intent in ABOUT_ANYTHING and reading.topic is None:
        return _sure(TextIntent.MY_BOOKINGS, message)
    return None


OPINION_MISREAD = frozenset({TextIntent.SESSION, TextIntent.WORKSHOPS, TextIntent.UNKNOWN})
"""Readings an opinion naming a topic is taken for ("learning Excel is a waste of time")."""


def _opinion(reading: Reading, message: Message) -> Reading | None:
    """'learning Excel is a waste of time', 'le cours WhatsApp était super': an opinion,
    asking for no workshop; nor does a workshop attended, told ("j'ai fait l'atelier mail")."""
    words, mark = message.words, message.mark
    told = gives_opinion(words, mark) or (tells_attended(words, mark) and not asks(words, mark))
    if reading.intent in OPINION_MISREAD and told:
        return Reading(TextIntent.UNKNOWN, reading.confidence)
    return None


FORMAL_YES = tuple(word_lists.words("formal_yes"))
FORMAL_NO = tuple(word_lists.words("formal_no"))


def _formal_answer(reading: Reading, message: Message) -> Reading | None:
    """'Sayin yetkili, işbu mesajla onayimi bildiririm. Saygilarimla.', 'Dear Sir or Madam,
    I'm afraid the answer is no. Regards.': a letter's answer in formal words, yes or no,
    when nothing else was understood; neither asked, reported, hedged nor both at once."""
    words = message.words
    if reading.intent != TextIntent.UNKNOWN or message.mark or reported(words) or hedged(words):
        return None
    yes, no = word_lists.says(words, FORMAL_YES), word_lists.says(words, FORMAL_NO)
    if yes and not no and not negated(words):
        return Reading(TextIntent.YES, reading.confidence)
    if no and not yes:
        return Reading(TextIntent.NO, reading.confidence)
    return None


def _names_topic(reading: Reading, message: Message) -> Reading | None:
    """'le truc sur le CV', 'the Canva one': a workshop's topic named, that workshop."""
    words = message.words
    if (
        reading.intent in TOPIC_OVERRIDES
        and reading.topic is None
        and not has_acting_word(words)
        and names_a_topic(words)
    ):
        return _sure(TextIntent.SESSION, message)
    return None


CORRECTIONS: tuple[Correction, ...] = (
    Correction("done_elsewhere", _done_elsewhere),
    Correction("list_again", _list_again),
    Correction("continues_sending", _continues_sending),
    Correction("cancels_our_booking", _cancels_our_booking),
    Correction("language_of_classes", _language_of_classes),
    Correction("other_language", _other_language),
    Correction("topic_not_understood", _topic_not_understood),
    Correction("how_not_understood", _how_not_understood),
    Correction("not_understood", _not_understood),
    Correction("just_wants_to_know", _just_wants_to_know),
    Correction("about_data", _about_data),
    Correction("practical_question", _practical_question),
    Correction("own_booking", _own_booking),
    Correction("opinion", _opinion),
    Correction("names_topic", _names_topic),
    Correction("formal_answer", _formal_answer),
)
"""The corrections, in the order they are tried."""


def corrected(reading: Reading, message: Message) -> Reading:
    """The reading after the first correction that applies (the reading itself if none)."""
    for correction in CORRECTIONS:
        other = correction.run(reading, message)
        if other is not None:
            return other.decided_by(correction.name, reading.trail)
    return reading

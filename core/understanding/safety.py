"""The safety rules: what the classifier proposes is read only when it may be acted on.

Each rule is one named component. It looks at the proposal and either lets it pass (None),
renames its intent (a ``Proposal``), rules it out for the runner-up (``RunnerUp``) or decides
the reading (a ``Reading``). Their order is the order of ``SAFETY`` below and it matters: a
cancel about the messages is a stop before a stop's own checks apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from core.understanding import addressed, consent, word_lists
from core.understanding.clauses import clauses, hedged, reported, starts_with_no, undecided
from core.understanding.done_elsewhere import (
    consents_for_someone,
    names_elsewhere,
    names_ours,
    names_someone_close,
    on_behalf,
    someone_else_absent,
    told_done,
)
from core.understanding.message import Proposal, RunnerUp
from core.understanding.negation import (
    COMING,
    about_messages,
    acting_word_negated,
    asks,
    cannot,
    conditional,
    data_word,
    erases_personal,
    gives_back,
    has_acting_word,
    negated,
    polite_request,
    says_coming,
)
from core.understanding.normalising import bare
from core.understanding.reading import ACTING, Reading, TextIntent
from core.understanding.thresholds import (
    BARE_CANCEL,
    BARE_CANCEL_WORDS,
    ENOUGH,
    STOP_BESIDE,
    SURE,
    SURE_YES,
)

Verdict = Proposal | RunnerUp | Reading | None


@dataclass(frozen=True, slots=True)
class Rule:
    """One named safety rule."""

    name: str
    run: Callable[[Proposal], Verdict]


APOLOGIES = word_lists.words("apology")
QUESTION_WORDS = word_lists.word_set("question_word")
"""How, what, why, who: beside an erase of data, asked about, not asked for."""
NO_WORDS = word_lists.word_set("no")
"""Words of no: beside a yes word, the person has not made up their mind."""

MEMORY = word_lists.words("remembering")
"""Not remembering one's booking asks to see it; it does not cancel it. ("Rappel" and
"hatırlatma" are the reminder: "suite à votre rappel, je ne pourrai pas venir" cancels.)"""

ELSE_THAN_COMING = word_lists.words("else_than_coming")
"""Verbs whose "cannot" or "not" is about something else than coming to the workshop."""

ACCEPTING = word_lists.words("accepting")
"""Verbs of agreeing: negated, they refuse what was asked; they never cancel a seat."""

LATE = word_lists.words("late")
"""'Je ne pourrai pas venir à l'heure, je serai en retard': late, still coming."""

PAST_ABSENCE = word_lists.word_set("past_absence")
"""'J'ai pas pu venir hier', 'dün gelemedim': an absence told after the fact gives no seat
back."""


def absent_before(words: list[str]) -> bool:
    """Whether the message tells of an absence already past ("couldn't come yesterday")."""
    return not PAST_ABSENCE.isdisjoint(words)


def asked_or_conditional(words: list[str], mark: bool) -> bool:
    """'comment annuler ?', 'si je ne viens pas...': asked about or set as a condition."""
    return conditional(words) or (asks(words, mark) and not polite_request(words))


def disturbed(words: list[str]) -> bool:
    """'ne plus être dérangé', 'laissez-moi tranquille': the messages, not a seat.

    "Sorry to bother you", "désolée de vous déranger", "rahatsiz ettigim icin kusura
    bakmayin" apologise: they ask nothing."""
    stems = ("derang", "tranquil", "disturb", "rahatsiz", "bother", "contact", "opt")
    return any(
        w.startswith(stems)
        and not w.startswith(UNWELL)
        and not _unwell(words, i)
        and not any(v.startswith(APOLOGIES) for v in words[max(0, i - 4) : i])
        and not (w.startswith("rahatsiz") and _apology_after(words[i + 1 : i + 5]))
        for i, w in enumerate(words)
    )


def _apology_after(after: list[str]) -> bool:
    """Turkish apologises after the word: "rahatsiz ettigim icin kusura bakmayin"."""
    return any(w.startswith(APOLOGIES) for w in after)


DISTURBING_AFTER = ("et", "ed", "ol")
"""Turkish verbs after "rahatsız" that make it disturbing ("rahatsız etmeyin", "rahatsız
olmak istemiyorum"); alone, "rahatsız" is unwell ("Ayşe Hanım yarın gelemeyecek, rahatsız")."""


def _unwell(words: list[str], at: int) -> bool:
    """Whether Turkish "rahatsiz" at ``at`` says someone is unwell, no verb of disturbing
    after it."""
    after = words[at + 1 : at + 2]
    return words[at] == "rahatsiz" and not (after and after[0].startswith(DISTURBING_AFTER))


UNWELL = ("rahatsizlan", "rahatsizim", "rahatsizdim", "rahatsizlig")
"""Turkish 'rahatsızlandım', 'rahatsızım': unwell, not disturbed ("rahatsızım gelemem"
cancels a seat; it does not stop the messages)."""


def remembers(words: list[str]) -> bool:
    """'je ne me souviens plus', 'nsit': about remembering one's booking."""
    return any(w.startswith(MEMORY) for w in words)


def forgets_person(words: list[str]) -> bool:
    """'beni unut', 'oubliez-moi', 'forget me': the person, not a seat."""
    forgets = any(w.startswith(("unut", "forget", "oubli")) for w in words)
    return forgets and erases_personal(words) and not acting_word_negated(words)


ARABIC_DATA = tuple(w for w in word_lists.words("data") if "\u0600" <= w[0] <= "\u06ff")
"""Arabic nouns of data ("معلوماتي", "بياناتي"), matched anywhere in a word."""


def erases_data(words: list[str]) -> bool:
    """'remove my details', 'supprimez mes données': data, not a seat."""
    data_stems = ("donnee", "data", "veri", "bilgi", "detail", "info", "fichier", "system")
    data = any(data_word(w, data_stems) or any(a in w for a in ARABIC_DATA) for w in words)
    return data and erases_personal(words) and not acting_word_negated(words)


SENDING = word_lists.words("sending_verb")
"""Stems of sending or contacting: what a stop of the messages bears on."""
STOP_WORDS = word_lists.words("stopping_verb")
OBJECT_FIRST = word_lists.words("stopping_verb_object_first")
PRONOUNS = word_lists.word_set("skipped_after_stopping")


REMINDERS = word_lists.word_set("reminder")


def stops_something_else(words: list[str]) -> bool:
    """'stop saying it's easy', 'arrêtez de me dire que c'est facile', Turkish 'kolay demeyi
    birakin': a stop of something said or done, not of the messages (nor of the reminders:
    "I'd like to stop getting your reminders")."""
    if about_messages(words) or not REMINDERS.isdisjoint(words):
        return False
    for i, word in enumerate(words):
        if not word.startswith(STOP_WORDS):
            continue
        after = [w for w in words[i + 1 : i + 4] if w not in PRONOUNS]
        verb = after[0] if after else ""
        french = words[i + 1 : i + 2] in (["de"], ["d"])  # "arrêtez de me dire"
        if verb and (french or (word.startswith("stop") and verb.endswith("ing"))):
            return not (verb.startswith(SENDING) or verb[1:].startswith(SENDING))  # "menvoyer"
        before = words[i - 1] if i else ""  # Turkish "kolay demeyi birakin"
        if word.startswith(OBJECT_FIRST) and before.endswith(("meyi", "mayi")):
            return not before.startswith(SENDING)
    return False


DONE_BY_OTHER = tuple(bare(w) for w in word_lists.words("done_by_someone_else"))
"""'Ma soeur a annulé', 'khti lghat', 'iptal etti': an act someone else has done."""


def plausible(intent: TextIntent, words: list[str], confidence: float) -> bool:
    """Whether the words can carry the acting reading at all.

    A cancel without a cancel word must say that one cannot come ("je ne peux pas venir",
    "gelemiyorum", "ma nqderch nji"): "je viens", "geleceğim" or "ma place" never cancel.
    An erase must bear on data or on the person: "forget it" does not erase.
    """
    if intent in (TextIntent.CANCEL, TextIntent.FORGET) and word_lists.says(words, DONE_BY_OTHER):
        return False  # "khti lghat l'inscription dyalha": done by someone else, not asked
    if intent == TextIntent.CANCEL and not has_acting_word(words):
        if any(w.startswith(ELSE_THAN_COMING) for w in words):
            return False  # "i can't talk now", "je vais réfléchir": not about coming
        if any(w.startswith(ACCEPTING) for w in words):
            return False  # "kabul etmiyorum", "i don't agree": a refusal, not a cancel
        if any(w.startswith(LATE) for w in words):
            return False  # "je ne pourrai pas venir à l'heure, je serai en retard": coming
        if absent_before(words):
            return False  # "ma qdertch nji lbare7": a past absence, no seat to give back
        if someone_else_absent(words):
            return False  # "my wife can't come to the parents evening": not our seat
        if no_then_coming(words):
            return False  # "لا، ماما غاتخلي البلاصة ديالها، غاتجي": no, she is coming
        spoken_to = addressed.opens_spoken_to(words)
        if spoken_to and not (close_one_absent_here(words) or close_one_absent_alone(words)):
            return False  # "Chef je pourrai pas venir demain": said to one's boss
        if cannot(words) or gives_back(words):
            return True
        if len(words) < BARE_CANCEL_WORDS:
            return False  # "won pls": too few words to cancel without saying so
        return not says_coming(words) and confidence >= BARE_CANCEL
    if intent == TextIntent.FORGET:
        return erases_personal(words)
    return True


def no_then_coming(words: list[str]) -> bool:
    """'No, my mum is keeping her place, she'll come after all': a no, then a coming that
    the words after the no do not negate."""
    return starts_with_no(words) and says_coming(words) and not cannot(words[1:])


FIRST_PERSON = word_lists.word_set("first_person")
OWN_COMING = ("ن", "n")
"""Darija's first person on a verb of coming: "نجي", "nji", "n7der"."""


def close_one_absent_alone(words: list[str]) -> bool:
    """'maman viendra pas', 'mum can't make it', 'ماما ما غاتجيش': a few words, someone close
    who will not come, no "I" and nothing else named: a relative writing for the person,
    whose seat it is (the conversation still asks first below HIGH, and the cancel has its
    confirmation)."""
    return (
        len(words) <= CLOSE_ONE_ALONE_WORDS
        and names_someone_close(words)
        and not names_elsewhere(words)
        and FIRST_PERSON.isdisjoint(words)  # "maman je viens pas ce soir" speaks to her
        and not any(part in w for w in words for part in OWN_COMING_INSIDE)
    )


OWN_COMING_INSIDE = ("نجي", "nji", "ngi")
"""Darija's first person of coming inside a word ("غانجيش", "ma ghanjich"): the writer's own."""


CLOSE_ONE_ALONE_WORDS = 5
"""How short a message of someone close not coming must be to speak of the person's seat."""


def close_one_absent_here(words: list[str]) -> bool:
    """'بابا فالسبيطار، ما غاديش يجي للورشة غدا', 'ماما طاحت ... ما تقدرش تجي للورشة ديالها':
    a message that opens with someone close, who will not come to the workshop, the writer
    speaking of no coming of their own ("maman je viens pas ce soir" speaks to her)."""
    own = any(
        w in FIRST_PERSON or (w.startswith(COMING) and w.startswith(OWN_COMING)) for w in words
    )
    return names_ours(words) and names_someone_close(words) and not own


# The rules, each a component named in ``SAFETY``.


def _stop_beside_nothing(p: Proposal) -> Verdict:
    """'j'ai arrêté les sms sur mon téléphone': a word of stopping and a word of the messages,
    the classifier torn between nothing and a stop (at least STOP_BESIDE): judged as a stop, which
    the rules after it still read only when asked in words, neither negated nor asked."""
    stop = p.probabilities.get(TextIntent.STOP.value, 0.0)
    words = p.words
    if p.intent != TextIntent.UNKNOWN or not about_messages(words):
        return None
    one_clause = len(clauses(p.message.stripped, p.message.language)) == 1
    if stop < (STOP_BESIDE if one_clause else ENOUGH):
        return None  # "ma voisine a arrêté les sms, moi je veux les garder": not one's own
    return replace(p, intent=TextIntent.STOP, confidence=stop) if has_acting_word(words) else None


def _too_unsure(p: Proposal) -> Verdict:
    """The classifier's best guess is unknown, or below ENOUGH: nothing is read (a stop of
    the messages judged beside nothing has its own bar, STOP_BESIDE)."""
    if p.intent == TextIntent.STOP and "stop_beside_nothing" in p.trail:
        return None
    if p.confidence < ENOUGH or p.intent == TextIntent.UNKNOWN:
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _stop_messages(p: Proposal) -> Verdict:
    """'désinscription des sms', 'ne plus être dérangé': a cancel of the messages is a stop."""
    if p.intent == TextIntent.CANCEL and (about_messages(p.words) or disturbed(p.words)):
        return p.renamed(TextIntent.STOP)
    return None


def _stops_something_else(p: Proposal) -> Verdict:
    """'stop saying it's easy': a stop of something said, not of the messages."""
    if p.intent == TextIntent.STOP and stops_something_else(p.words):
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _stop_to_someone(p: Proposal) -> Verdict:
    """'stop it you're making me laugh', 'stop les gars': a stop said to someone, not of the
    messages (``core.understanding.addressed``)."""
    words = p.words
    if p.intent != TextIntent.STOP or about_messages(words):
        return None
    return (
        p.read_as(TextIntent.UNKNOWN)
        if addressed.stop_to_someone(words, p.message.stripped)
        else None
    )


def _forgot_booking(p: Proposal) -> Verdict:
    """'je ne me souviens plus de l'heure': a cancel that asks to see one's bookings."""
    if p.intent == TextIntent.CANCEL and not has_acting_word(p.words) and remembers(p.words):
        return p.read_as(TextIntent.MY_BOOKINGS)
    return None


def _erase_data(p: Proposal) -> Verdict:
    """'remove my details', 'oubliez-moi': a cancel of one's data or person is an erase."""
    if p.intent == TextIntent.CANCEL and (erases_data(p.words) or forgets_person(p.words)):
        return p.renamed(TextIntent.FORGET)
    return None


def _number_by_rules_only(p: Proposal) -> Verdict:
    """A choice number is read by the number rules only, never by the classifier."""
    return p.read_as(TextIntent.UNKNOWN) if p.intent == TextIntent.NUMBER else None


def _negation(p: Proposal) -> Verdict:
    """'n'annulez pas', 'iptal etmeyin': an act whose own word is negated is a no."""
    if p.intent in ACTING and has_acting_word(p.words) and acting_word_negated(p.words):
        return p.read_as(TextIntent.NO)
    return None


def _question_or_condition(p: Proposal) -> Verdict:
    """'comment annuler ?', 'si j'annule...': help (privacy for an erase) about the act."""
    if p.intent in ACTING and asked_or_conditional(p.words, p.mark):
        about = TextIntent.PRIVACY if p.intent == TextIntent.FORGET else TextIntent.HELP
        return p.read_as(about, topic=p.intent)
    return None


def _stop_asked_in_words(p: Proposal) -> Verdict:
    """'أرجو إيقاف الرسائل القصيرة': a word of stopping and a word of the messages, neither
    negated nor asked, is a stop however unsure the classifier is of it."""
    words = p.words
    if p.intent != TextIntent.STOP or p.confidence >= SURE or not about_messages(words):
        return None
    if has_acting_word(words) and not acting_word_negated(words):
        return p.read_as(TextIntent.STOP)
    return None


_SENTENCES = re.compile(r"[,.;!?؟؛،\n]+")
"""Where a sentence ends, or a part of one."""
_CLAUSE_ENDS = re.compile(r"[,.;!؛،\n]+")
"""The same, a question mark left in the part it ends."""

STOP_KEYWORDS = ("STOP", "ARRET", "ARRÊT", "STOPP", "DUR", "قف")
"""The opt-out keyword as SMS services take it, written first and in capitals."""
STOP_SENTENCE_WORDS = 6
"""'STOP STOP PLUS DE MESSAGES': the keyword and a few words about the messages, nothing more
(not "STOP les messages du matin, gardez ceux du soir")."""
LAUGHTER = word_lists.word_set("after_stop_keyword")
"""What may follow the keyword without changing it: laughter, "please"."""


def _stop_keyword(p: Proposal) -> Verdict:
    """'STOP lol', 'STOP svp', 'STOP PLUS DE MESSAGES': the opt-out keyword written first in
    capitals, followed only by laughter or a please, or in one short sentence by words about
    the messages, is a stop whatever the classifier reads."""
    first, *rest = p.message.stripped.split() or [""]
    if first.rstrip("!.,") not in STOP_KEYWORDS:
        return None
    if len(rest) <= 2 and all(word in LAUGHTER for word in p.words[1:]):
        return p.read_as(TextIntent.STOP)
    sentences = [part for part in _SENTENCES.split(p.message.stripped) if part.strip()]
    alone = len(sentences) == 1 and len(p.words) <= STOP_SENTENCE_WORDS  # nothing kept after
    if alone and about_messages(p.words) and not asked_or_conditional(p.words, p.mark):
        return p.read_as(TextIntent.STOP)  # "STOP STOP PLUS DE MESSAGES": its own negation
    return None


def _erase_asked_in_words(p: Proposal) -> Verdict:
    """'wipe my data', 'أريد حذف بياناتي الشخصية', 'détruisez mes données': a word of erasing
    that bears on data, neither negated nor asked, is an erase however unsure the classifier
    is of it, or when it took it for a question about privacy. Below HIGH, the conversation
    still asks first, and the erase has its confirmation."""
    words = p.words
    if p.intent not in (TextIntent.FORGET, TextIntent.PRIVACY) or not erases_data(words):
        return None
    if p.intent == TextIntent.FORGET and p.confidence >= SURE:
        return None
    if p.intent == TextIntent.PRIVACY and len(clauses(p.message.stripped, p.message.language)) > 1:
        return None  # "conformément au RGPD, je vous demande de...": read in its own clause
    if asked_or_conditional(words, p.mark) or QUESTION_WORDS & set(words):
        return None  # "verilerimi nasil silebilirim": asked without its mark
    forget = p.probabilities.get(TextIntent.FORGET.value, 0.0)
    proposed = p.confidence if p.intent == TextIntent.FORGET else 0.0
    return Reading(TextIntent.FORGET, max(forget, proposed))


FOR_SOMEONE_CLOSE = frozenset({TextIntent.CANCEL, TextIntent.FORGET})
"""Acts someone close may ask through the person's messages: their seat, their data."""


def _act_for_someone_close(p: Proposal) -> Verdict:
    """'oglumuzun hesabinin tamamen kaldirilmasini istiyoruz', 'بابا بغا يلغي الحجز ديالو',
    'Annem kursa gidemeyecek': a cancel of a seat or an erase of data, asked in words for
    someone close (a relative writing for the person is read as the person), at least ENOUGH
    likely though below SURE or behind "nothing" (the classifier has seen many relatives'
    own doings), neither negated, asked, hedged nor reported ("ma voisine m'a dit
    d'annuler"): read; the conversation still asks first below HIGH, and the act has its
    confirmation. Acts told as done ("mon père a annulé son rendez-vous") are set aside by
    the corrections after."""
    words = p.words
    likely = [i for i in FOR_SOMEONE_CLOSE if p.probabilities.get(i.value, 0.0) >= ENOUGH]
    if not likely or p.intent not in (*FOR_SOMEONE_CLOSE, TextIntent.UNKNOWN):
        return None
    act = max(likely, key=lambda i: p.probabilities[i.value])
    if p.intent != TextIntent.UNKNOWN and (act != p.intent or p.confidence >= SURE):
        return None
    if not names_someone_close(words) or about_messages(words):
        return None
    if acting_word_negated(words) or asked_or_conditional(words, p.mark):
        return None
    if reported(words) or hedged(words) or undecided(words) or told_done(words):
        return None
    if no_then_coming(words):
        return None  # "No, my mum is keeping her place, she'll come after all"
    if act == TextIntent.FORGET:
        ours = erases_personal(words)
    else:
        given_up = has_acting_word(words) or gives_back(words) or cannot(words)
        ours = names_ours(words) and given_up and not someone_else_absent(words)
    return Reading(act, p.probabilities[act.value]) if ours else None


def _yes_for_someone_close(p: Proposal) -> Verdict:
    """'Je confirme au nom de mon grand-père', 'نأكد باسم جدتي', 'Oui, ma mère confirme': a
    yes written on behalf of someone close, or their agreement told now, at least ENOUGH
    likely: the person's yes, though the classifier (which has seen many relatives' own
    doings) puts "nothing" first. Neither negated, asked, hedged nor reported."""
    words = p.words
    yes = p.probabilities.get(TextIntent.YES.value, 0.0)
    if p.intent not in (TextIntent.YES, TextIntent.UNKNOWN) or yes < ENOUGH:
        return None
    if not (on_behalf(words) or consents_for_someone(words)) or not consent.says_yes(words):
        return None
    if p.mark or negated(words) or reported(words) or hedged(words):
        return None
    return Reading(TextIntent.YES, yes)


def _unsure_act(p: Proposal) -> Verdict:
    """An act below SURE is not read."""
    return p.read_as(TextIntent.UNKNOWN) if p.intent in ACTING and p.confidence < SURE else None


def _implausible_act(p: Proposal) -> Verdict:
    """'je viens', 'i can't talk now', 'forget it': words that cannot carry the act."""
    if p.intent in ACTING and not plausible(p.intent, p.words, p.confidence):
        return RunnerUp()
    return None


def _thanks_only(p: Proposal) -> Verdict:
    """'merci beaucoup', 'ok merci': thanks close a talk; never a yes."""
    return (
        p.read_as(TextIntent.UNKNOWN)
        if p.intent == TextIntent.YES and consent.thanks_only(p.words)
        else None
    )


def _farewell(p: Proposal) -> Verdict:
    """'bonne journée': a goodbye is never a yes; a goodbye alone ('see ya') asks nothing."""
    if p.intent == TextIntent.YES and consent.says_farewell(p.words):
        return p.read_as(TextIntent.UNKNOWN)
    as_written = bare(p.message.stripped).split()  # "see ya", before "ya" is written out
    if p.intent != TextIntent.UNKNOWN and (
        consent.only_farewell(p.words) or consent.only_farewell(as_written)
    ):
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _no_yes_word(p: Proposal) -> Verdict:
    """A yes is read only from a yes word or phrase: "ouistiti" is not one."""
    if p.intent == TextIntent.YES and not consent.says_yes(p.words):
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _not_for_us(p: Proposal) -> Verdict:
    """'oui, wrong number sorry': a yes sent to the wrong chat is no consent."""
    if p.intent == TextIntent.YES and consent.not_for_us(p.words):
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _yes_to_someone(p: Proposal) -> Verdict:
    """'yes mum I'm coming', 'oui docteur', 'evet anne', 'نعم يا أمي': a yes said to someone
    else is no consent (``core.understanding.addressed``)."""
    words = p.words
    if consents_for_someone(words):
        return None  # "Yes, Mum confirms": she agrees, through this message
    if p.intent == TextIntent.YES and addressed.yes_to_someone(words, consent.YES_WORDS):
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _brings_company(p: Proposal) -> Verdict:
    """'je viendrai avec mes enfants': who comes along, not a yes."""
    if p.intent == TextIntent.YES and consent.brings_company(p.words):
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _not_coming(p: Proposal) -> Verdict:
    """'je ne serai pas présente', 'je serai absente': not a yes; the runner-up, else a no."""
    words = p.words
    if p.intent == TextIntent.YES and (
        cannot(words) or consent.away(words) or consent.darija_not(words)
    ):
        if hedged(words) or (consent.says_yes(words) and NO_WORDS & set(words)):
            return p.read_as(TextIntent.UNKNOWN)  # "maybe i'll come, not sure", "yeah no"
        return RunnerUp(TextIntent.NO)
    return None


PERSON_SENDS = tuple(word_lists.words("person_sends"))
"""The person as the sender: "I want to send voice messages to my kids", "je voudrais
envoyer des photos", "bghit nsifet": learning to send, never the bot's messages back."""


def _person_sends(p: Proposal) -> Verdict:
    """A start or a stop whose sending is the person's own ("how do I send a voice message"):
    the runner-up."""
    if p.intent in (TextIntent.START, TextIntent.STOP) and word_lists.says(p.words, PERSON_SENDS):
        return RunnerUp()
    return None


def _unsure_yes(p: Proposal) -> Verdict:
    """A yes below SURE_YES is not read."""
    if p.intent == TextIntent.YES and p.confidence < SURE_YES:
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _asked_yes(p: Proposal) -> Verdict:
    """'oui ?': a yes asked is no consent; 'oui je confirme, c'est bon comme ça ?' is one,
    the question after it in a sentence of its own."""
    if p.intent == TextIntent.YES and p.mark and not _yes_then_question(p.message.stripped):
        return p.read_as(TextIntent.UNKNOWN)
    return None


def _yes_then_question(text: str) -> bool:
    """A yes said first, in a sentence without a question mark, then only questions that
    agree or check it is enough ("Yeah, why not?", "oui je confirme, c'est bon comme ça ?")."""
    first, *rest = [part for part in _CLAUSE_ENDS.split(text) if part.strip()] or [""]
    said = bare(first).split()
    if "?" in first or "؟" in first or not rest or not consent.says_yes(said):
        return False
    asked = [part for part in rest if "?" in part or "؟" in part]
    return all(word_lists.says(bare(part).split(), TAG_QUESTIONS) for part in asked)


TAG_QUESTIONS = (*word_lists.words("why_not"), *word_lists.words("tag_question"))
"""Questions after a yes that agree or check the answer is enough ("pourquoi pas ?", "c'est
bon comme ça ?", "anything else?"): any other question after it asks something else."""


SAFETY: tuple[Rule, ...] = (
    Rule("stop_beside_nothing", _stop_beside_nothing),
    Rule("stop_keyword", _stop_keyword),
    Rule("farewell", _farewell),
    Rule("act_for_someone_close", _act_for_someone_close),
    Rule("yes_for_someone_close", _yes_for_someone_close),
    Rule("too_unsure", _too_unsure),
    Rule("stop_messages", _stop_messages),
    Rule("stops_something_else", _stops_something_else),
    Rule("stop_to_someone", _stop_to_someone),
    Rule("forgot_booking", _forgot_booking),
    Rule("erase_data", _erase_data),
    Rule("number_by_rules_only", _number_by_rules_only),
    Rule("negation", _negation),
    Rule("question_or_condition", _question_or_condition),
    Rule("stop_asked_in_words", _stop_asked_in_words),
    Rule("erase_asked_in_words", _erase_asked_in_words),
    Rule("unsure_act", _unsure_act),
    Rule("implausible_act", _implausible_act),
    Rule("thanks_only", _thanks_only),
    Rule("no_yes_word", _no_yes_word),
    Rule("not_for_us", _not_for_us),
    Rule("yes_to_someone", _yes_to_someone),
    Rule("brings_company", _brings_company),
    Rule("not_coming", _not_coming),
    Rule("person_sends", _person_sends),
    Rule("unsure_yes", _unsure_yes),
    Rule("asked_yes", _asked_yes),
)
"""The safety rules, in the order they are tried."""


def judge(proposal: Proposal) -> Reading:
    """The proposal through the safety rules: the first rule that decides gives the reading;
    a rule that rules the intent out starts the rules again on the runner-up."""
    while True:
        for rule in SAFETY:
            verdict = rule.run(proposal)
            if verdict is None:
                continue
            trail = (*proposal.trail, rule.name)
            if isinstance(verdict, Reading):
                return verdict.decided_by(rule.name, proposal.trail)
            if isinstance(verdict, Proposal):
                proposal = replace(verdict, trail=trail)
                continue
            rest = {k: v for k, v in proposal.probabilities.items() if k != proposal.intent.value}
            runner_up = max(rest, key=rest.__getitem__)
            if rest[runner_up] < ENOUGH:
                fallback = verdict.fallback
                reading = Reading(fallback, proposal.probabilities.get(fallback.value, 0.0))
                return reading.decided_by(rule.name, proposal.trail)
            proposal = Proposal(
                TextIntent(runner_up), rest[runner_up], rest, proposal.message, trail
            )
            break
        else:
            return proposal.read_as(proposal.intent).decided_by(
                proposal.trail[-1], proposal.trail[:-1]
            )

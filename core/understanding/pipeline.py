"""Reading a message: an ordered list of named components.

1. The first steps (``FIRST``) each may decide alone: an empty message, question marks only,
   a slash command, nothing left once normalised, a choice number, a short yes or no, an
   example learned from the organisers (``core.understanding.learned``).
2. The classifier proposes an intent with a probability.
3. The safety rules (``core.understanding.safety.SAFETY``) let it pass, rename it, rule it out
   for the runner-up, or decide.
4. The corrections (``core.understanding.corrections.CORRECTIONS``) may change the judged
   reading by what the words clearly say around it.
5. The clause steps (``CLAUSE_STEPS``, ``core.understanding.clauses``): a request in its own
   clause is read beside a reason that says no; reported speech and hedged yeses never act.
6. The runner-up (``Reading.runner_up``): the second most likely intent the person may have
   meant, for the question asked when the reading is unsure (``unsure``).

The reading carries the name of the component that decided it (``Reading.by``) and every
component that proposed or changed it (``Reading.trail``). Nothing is ever booked or
cancelled from a written word alone: each acting intent leads to a confirmation screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from core.understanding import addressed, classifier, consent, courtesy, learned, word_lists
from core.understanding.clauses import (
    BUT,
    about_session_state,
    call_opening,
    clauses,
    hedged,
    knows_how,
    reported,
    starts_with_no,
    undecided,
)
from core.understanding.commands import COMMANDS, command_of
from core.understanding.corrections import CORRECTIONS, corrected, negated_near_coming
from core.understanding.done_elsewhere import (
    FIRST_PERSON,
    PASSIVE,
    cancels_elsewhere,
    device_trouble,
    done_elsewhere,
    erases_elsewhere,
    names_ours,
)
from core.understanding.headers import counts_in_a_form, without_subject
from core.understanding.meant_elsewhere import (
    letters_typed_at_random,
    pasted_notice,
    sends_to_a_website,
    told_to_school,
)
from core.understanding.message import Message, Proposal
from core.understanding.negation import (
    about_messages,
    acting_word_negated,
    asks,
    cannot,
    conditional,
    gives_back,
    has_acting_word,
    says_coming,
)
from core.understanding.normalising import is_question
from core.understanding.numbers import CORRECTION, choice_number, named_choice, value_of
from core.understanding.own_booking import wants_to_know
from core.understanding.reading import ACTING, Reading, TextIntent
from core.understanding.safety import SAFETY, judge
from core.understanding.short_answers import PLAIN_NO, PLAIN_YES, short_answer
from core.understanding.thresholds import (
    ASK_AT_LEAST,
    CHANGED_MIND_WORDS,
    CLAUSE_ALONE,
    CLOSE,
    HIGH,
    LONG_MESSAGE_WORDS,
    LOW,
    MAX_ANALYSED,
    SENTENCE_ALONE,
    SURE,
)


@dataclass(frozen=True, slots=True)
class Step:
    """One named first step: a reading when it decides, else None."""

    name: str
    run: Callable[[Message], Reading | None]


def _empty(message: Message) -> Reading | None:
    """Nothing written (spaces only): unknown."""
    return None if message.stripped else Reading(TextIntent.UNKNOWN, 0.0)


def _question_marks(message: Message) -> Reading | None:
    """'?', '؟ ؟': the screen was not understood."""
    return Reading(TextIntent.EXPLAIN) if set(message.stripped) <= set("?¿؟ ") else None


def _command(message: Message) -> Reading | None:
    """'/annuler', '/start s12': what the command asks for; an unknown command is unknown."""
    command = command_of(message.stripped)
    if command is None:
        return None
    intent = COMMANDS.get(command[0])
    return Reading(intent) if intent is not None else Reading(TextIntent.UNKNOWN, 0.0)


def _normalise(message: Message) -> Reading | None:
    """The plain form of the words (``core.understanding.normalising``); none left: unknown."""
    return None if message.words else Reading(TextIntent.UNKNOWN, 0.0)


def _number(message: Message) -> Reading | None:
    """'2', 'le 3', 'la deuxième': the choice picked (``core.understanding.numbers``); not
    after a letter typed over and over ("jjjjjjjj ,,,,, 9")."""
    if letters_typed_at_random(message.stripped):
        return None
    number = choice_number(message.words)
    return None if number is None else Reading(TextIntent.NUMBER, 1.0, number)


def _only_formulas(message: Message) -> Reading | None:
    """'Madame, Monsieur,', 'Kind regards', 'Saygılarımla': a letter's formulas alone ask
    nothing (``core.understanding.courtesy``); "Bonjour Madame" is a greeting, read on."""
    return Reading(TextIntent.UNKNOWN, 0.0) if courtesy.only_formulas(message.words) else None


def _short_answer(message: Message) -> Reading | None:
    """'ok super', 'non merci': yes or no words alone (``core.understanding.short_answers``)."""
    short = short_answer(message.words, message.mark)
    return None if short is None else Reading(TextIntent(short), 1.0)


HESITATION = word_lists.word_set("hesitation")


def _hesitation(message: Message) -> Reading | None:
    """'euh hum euh', 'ııı şey yani', 'اممم ايوا يعني': sounds made while thinking, and
    nothing said yet: unknown (the step's question is asked again). A yes or no alone
    ("ايوا") was read before, as a short answer."""
    if message.words and not message.mark and all(w in HESITATION for w in message.words):
        return Reading(TextIntent.UNKNOWN, 0.0)
    return None


CHANGE_OF_MIND = word_lists.Phrases(word_lists.words("change_of_mind"))
ANSWER_WORDS = PLAIN_YES | PLAIN_NO


def _changed_mind(message: Message) -> Reading | None:
    """'no wait, yes that's right', 'oui... en fait non, laissez', 'Non attendez... si si,
    confirmez': in a short message, an answer changed after the words of one changing their
    mind ("wait", "en fait", "aslında") is the answer said after the last of them, read
    whole (a hedge or a question after them leaves it open), when it opens with a yes or a
    no word and an answer was said before them. "non en fait c'est bon" and "no I mean it,
    ok" are left to the other steps: "ok" and "c'est bon" after a no may close the matter."""
    words = message.words
    if message.mark or len(words) > CHANGED_MIND_WORDS:
        return None
    marks = [(i, i + n) for i in range(len(words)) if (n := CHANGE_OF_MIND.at(words, i))]
    if not marks or ANSWER_WORDS.isdisjoint(words[: marks[-1][0]]):
        return None
    after = words[marks[-1][1] :]
    if not after or after[0] not in FIRM_ANSWERS:
        return None
    reading = _through(Message(" ".join(after), message.language, message.model))
    said = TextIntent.YES if after[0] in PLAIN_YES else TextIntent.NO
    return reading if reading.intent == said else None


FIRM_ANSWERS = ANSWER_WORDS - word_lists.word_set("weak_answer")
"""The yes and no words that open a changed answer ("oui", "yes", "evet", "no"), not those
that may close a matter ("ok", "tamam")."""


FIRST: tuple[Step, ...] = (
    Step("empty", _empty),
    Step("question_marks", _question_marks),
    Step("command", _command),
    Step("normalise", _normalise),
    Step("number", _number),
    Step("only_formulas", _only_formulas),
    Step("short_answer", _short_answer),
    Step("changed_mind", _changed_mind),
    Step("hesitation", _hesitation),
    Step("learned", learned.step),
)
"""The first steps, in order; the first that gives a reading decides."""

CLASSIFIER = "classifier"
"""The name of the component that proposes an intent (``core.understanding.classifier``)."""


def propose(message: Message) -> Proposal:
    """The classifier's most likely intent (the first one listed on a tie)."""
    probabilities = message.probabilities
    best = max(probabilities, key=probabilities.__getitem__)
    return Proposal(TextIntent(best), probabilities[best], probabilities, message, (CLASSIFIER,))


def read(
    text: str, language: str | None = None, model: classifier.LinearModel | None = None
) -> Reading:
    """What a message means, context-free, for a person on the main menu.

    ``model`` is the shipped classifier unless another is given (cross-validation).
    """
    return _through(Message(text, language, model))


def _through(message: Message, whole: bool = True) -> Reading:
    """The message through every component, in order (``whole``: with the clause steps,
    which read each clause of it through the others)."""
    for step in FIRST:
        reading = step.run(message)
        if reading is not None:
            return reading.decided_by(step.name)
    reading = corrected(judge(propose(message)), message)
    if whole:
        for clause_step in CLAUSE_STEPS:
            changed = clause_step.run(reading, message)
            if changed is not None:
                reading = changed.decided_by(clause_step.name, reading.trail)
    return _with_runner_up(reading, message)


@dataclass(frozen=True, slots=True)
class ClauseStep:
    """One named step on the judged reading: a new reading, or None to keep it."""

    name: str
    run: Callable[[Reading, Message], Reading | None]


REQUESTS = frozenset(
    {
        TextIntent.CANCEL,
        TextIntent.FORGET,
        TextIntent.STOP,
        TextIntent.MY_BOOKINGS,
        TextIntent.WORKSHOPS,
    }
)
"""What a clause may ask beside a reason: "le tram ne marche pas, je préfère annuler"."""


def _clause_request(reading: Reading, message: Message) -> Reading | None:
    """A no (or nothing understood, or help where nothing is asked) made of several clauses,
    one of which asks for something and is not taken back after it ("annulez, non je
    rigole"): that request. Read as one workshop, only a cancel in its own clause ("j'avais
    réservé le cours sur les arnaques mais je vais pas pouvoir venir"). Read as a
    question about privacy, only an erase in its own clause ("conformément au RGPD, je vous
    demande de supprimer mes données")."""
    privacy = reading.intent == TextIntent.PRIVACY
    session = reading.intent == TextIntent.SESSION
    help_unasked = reading.intent == TextIntent.HELP and not asks(message.words, message.mark)
    if (
        not privacy
        and not session
        and not help_unasked
        and reading.intent not in (TextIntent.NO, TextIntent.UNKNOWN)
    ):
        return (
            None  # help asked nothing: "le tram ne marche pas, je pense annuler" is read by clause
        )
    parts, starts = _by_sentence(without_subject(message.stripped), message.language)
    if len(parts) < 2:
        return None  # "Objet : annulation" over a body: the subject line asks nothing alone
    own = _own_clauses(parts, starts)
    found: Reading | None = None
    found_words: list[str] = []
    unsure_act: Reading | None = None
    for i, words in enumerate(parts):
        if not own[i]:
            continue  # "ma voisine m'a dit, annule ta place": someone else's words
        said = Message(" ".join(words), message.language, message.model)
        clause = _through(said, False)
        if reading.intent == TextIntent.UNKNOWN and i == len(parts) - 1:
            unsure_act = _act_to_ask_about(clause, said)  # last: nothing takes it back
        acting = clause.intent in ACTING
        if clause.intent in UNDECIDABLE and (undecided(words) or hedged(words)):
            continue  # "might have to cancel, let's see": no act, however it is worded
        if clause.intent in ACTING and word_lists.says(words, PASSIVE_PHRASES):
            continue  # "okuldan mesaj geldi, yüzme kursu iptal olmuş": done, not asked
        own_word = has_acting_word(words) or (
            session and cannot(words) and not FIRST_PERSON.isdisjoint(words) and not message.mark
        )  # "j'ai réservé ..., mon mari ne peut pas venir, il peut venir une autre fois ?"
        if clause.intent in REQUESTS and (not acting or own_word):
            if not acting and clause.confidence < CLAUSE_ALONE:
                continue  # "for your information" at 0.39: too unsure to speak for the whole
            found = clause  # an act only from its own word: "je serai en retard" cancels nothing
            found_words = words
        elif found is not None and (clause.intent == TextIntent.YES or starts_with_no(words)):
            found = None  # taken back: "..., non je rigole", "... but i will come"
    if privacy and (found is None or found.intent != TextIntent.FORGET):
        return None
    if session and (found is None or found.intent != TextIntent.CANCEL):
        return None  # "j'avais réservé le cours sur les arnaques mais je vais pas pouvoir venir"
    said_to_someone = not about_messages(message.words) and addressed.stop_to_someone(
        message.words, message.stripped
    )
    found = found or unsure_act
    refused = reading.intent == TextIntent.NO and any(acting_word_negated(w) for w in parts)
    if found is not None and found.intent in UNDECIDABLE and refused and len(found_words) <= 2:
        return None  # "Silmeyin bilgilerimi, vazgeçtim": an act refused, a mind changed on it
    only_asking = any(word_lists.says(words, ONLY_ASKING) for words in parts)
    if found is not None and only_asking and _asked(found_words, message):
        return None  # "Can I have my data erased one day? Just asking for now."
    said_no = refused or (reading.intent == TextIntent.NO and starts_with_no(message.words))
    if found is not None and found.intent == TextIntent.MY_BOOKINGS and said_no:
        return None  # "No no, I still want my place", "N'annulez rien, je viens toujours"
    if found is not None and found.intent in UNDECIDABLE and device_trouble(message.words):
        return None  # "mon ordi a un virus, vous pouvez me l'enlever ?": the virus
    if found is not None and found.intent == TextIntent.STOP and said_to_someone:
        return None  # "stop it, you're so funny haha": said to someone
    return found


def _asked(words: list[str], message: Message) -> bool:
    """Whether a clause of the message is asked: as a question, or in a sentence that ends
    with a question mark."""
    if asks(words, False):
        return True
    said = " ".join(words)
    return any(
        is_question(sentence)
        and said in " ".join(Message(sentence, message.language, message.model).words)
        for sentence in sentences(message.stripped[:MAX_ANALYSED])
    )


def _act_to_ask_about(clause: Reading, said: Message) -> Reading | None:
    """A clause that names a cancel or an erase in its own word, too unsure to be read
    ("le tram ne marche pas, je pense annuler"): that act, as unsure as it is, so that the
    person is asked ("Vous voulez : 1. Annuler votre place 2. Voir vos inscriptions"). Read
    as help where nothing is asked, the clause is as unsure an act ("je pense annuler")."""
    help_unasked = clause.intent == TextIntent.HELP and not asks(said.words, said.mark)
    if not (clause.by == "unsure_act" or help_unasked) or not has_acting_word(said.words):
        return None
    if acting_word_negated(said.words):
        return None
    probabilities = said.probabilities
    act = max(PAIRED, key=lambda intent: probabilities.get(intent.value, 0.0))
    chance = probabilities.get(act.value, 0.0)
    if chance < ASK_AT_LEAST:
        return None
    sure = Proposal(act, SURE, {**probabilities, act.value: SURE}, said, (CLASSIFIER,))
    if judge(sure).intent != act:
        return None  # "i'll come anyway, cancel that thought": the act's rules rule it out
    if done_elsewhere(said.words) or cancels_elsewhere(said.words) or erases_elsewhere(said.words):
        return None  # "ألغيت موعد الطبيب باش نجي للورشة": an act about somewhere else
    return Reading(act, chance)


SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+|\n+")
"""Where a sentence ends: its mark kept with it ("Do your workshops cost anything?")."""


def sentences(text: str) -> list[str]:
    """The message's sentences, each with its own marks."""
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


SAID_ALONE = frozenset(
    {
        TextIntent.WORKSHOPS,
        TextIntent.SESSION,
        TextIntent.MY_BOOKINGS,
        TextIntent.HELP,
        TextIntent.EXPLAIN,
        TextIntent.PRIVACY,
        TextIntent.LANGUAGE,
        TextIntent.MENU,
        TextIntent.START,
    }
)
"""What one sentence of a long message may ask for the whole: nothing that acts."""


def _long_message(reading: Reading, message: Message) -> Reading | None:
    """A long message nothing was understood in, as a whole, where one sentence, or several
    that agree, asks one thing that does not act, the others telling a story around it ("My
    husband passed in March, he did all the internet things... What sessions do you run?"):
    that request. A story's questions of its own ("is the Turkish bakery open on Monday?")
    read nothing here, the sentence being read as it would be alone. A yes or a no read from
    the whole story is read again from its first sentence ("Très bien, je confirme ma
    présence. Je viendrai avec mon cahier, ... je n'ai rien d'autre à faire": a negation,
    a hedge or someone's words in the story are the story's own)."""
    by_a_word = reading.by in READ_FROM_A_WORD and reading.intent in SAID_ALONE
    answered = reading.intent in ANSWERS
    if not (reading.intent == TextIntent.UNKNOWN or by_a_word or answered):
        return None
    if len(message.words) < LONG_MESSAGE_WORDS:
        return None
    parts = sentences(message.stripped[:MAX_ANALYSED])
    if len(parts) < 2:
        return None
    each = [Message(part, message.language, message.model) for part in parts]
    words_each = [sentence.words for sentence in each]
    own = _own_clauses(words_each)
    said_each = [_through(sentence, False) if own[i] else None for i, sentence in enumerate(each)]
    opening = said_each[0]
    if opening is not None and opening.intent in ANSWERS:
        return _answer_first(opening, said_each[1:], words_each[1:])
    misread = reading.by in STORY_MISREAD
    if answered and not misread:
        return None
    if opening is not None and opening.intent == TextIntent.NUMBER and not is_question(parts[0]):
        return _choice_first(opening, said_each[1:], words_each[1:])
    found: dict[TextIntent, Reading] = {}
    asked: dict[TextIntent, Reading] = {}
    acts: dict[TextIntent, Reading] = {}
    for part, said in zip(parts, said_each, strict=True):
        if said is None or said.intent == TextIntent.UNKNOWN:
            continue
        if said.intent in ACTING:
            acts[said.intent] = said
            continue
        if said.intent not in SAID_ALONE:
            return None  # a yes, a no or a choice: read no further
        if said.confidence < SENTENCE_ALONE:
            continue  # "Je suis un peu perdu." read as help at 0.53: part of the story
        for kept in (found, asked) if is_question(part) else (found,):
            best = kept.get(said.intent)
            kept[said.intent] = said if best is None or said.confidence > best.confidence else best
    if acts or answered:  # "... Je ne veux contaminer personne. Annulez mon inscription."
        alone = misread and len(acts) == 1 and not found
        return acts.popitem()[1] if alone else None
    if len(found) == 1:
        return found.popitem()[1]
    return asked.popitem()[1] if len(asked) == 1 else None  # "Je suis perdu. Vous avez quoi ?"


STORY_MISREAD = frozenset({"negation", "done_elsewhere", "continues_sending"})
"""Rules that read a whole message from a negation or an act done elsewhere anywhere in it:
in a long story, one sentence that acts, read alone, is the request."""


ONLY_ASKING = word_lists.words("only_asking")
"""'just asking', 'sadece soruyorum': a question asked, nothing to be done yet."""

LONG_MESSAGE = "long_message"
"""The step that reads a long message sentence by sentence."""

READ_FROM_A_WORD = frozenset(
    {"names_topic", "practical_question", "about_data", "own_booking", "not_understood",
     "other_language", "topic_not_understood", "how_not_understood", "list_again"}
)  # fmt: skip
"""Rules that read a whole message from one word or phrase in it ("the CAF", "free?"): in a
long story, the word may belong to the story, and the sentence that asks says what is asked."""


ANSWERS = (TextIntent.YES, TextIntent.NO)


def _answer_first(
    opening: Reading, rest: list[Reading | None], rest_words: list[list[str]]
) -> Reading | None:
    """'Oui bien sûr, je confirme. Et merci encore à la dame de l'accueil...', 'No, thank
    you, not this time. My brother is coming up from Marseille...': a yes or a no first,
    the rest telling why, with no other answer, act or request in it (a yes or a no later in
    a story is too often the story's own: "Evet! Bu kış çocuklar üşümeyecek")."""
    others = {said.intent for said in rest if said is not None} - {TextIntent.UNKNOWN}
    if others - {opening.intent}:
        return None
    if any(_takes_back(words, opening.intent) for words in rest_words):
        return None  # "Yes. But I need to check with my son first", "Oui. Ça dépend de..."
    return opening


def _choice_first(
    opening: Reading, rest: list[Reading | None], rest_words: list[list[str]]
) -> Reading | None:
    """'Put me down for 8. It's the only evening slot and I work until 5...', 'İkincisi
    lütfen. Kızım listeyi bana okudu...': a choice first, the rest telling why, with no other
    choice, answer, act or request in it (a number later in a story is too often the story's
    own: an age, a floor, a bus), and nothing that takes it back or leaves it open ("But I
    need to check with my husband first", "Oh sorry, ... please ignore that")."""
    if any(
        _takes_back(words, TextIntent.YES) or not CORRECTION.isdisjoint(words)
        for words in rest_words
    ):
        return None
    others = [
        said
        for said in rest
        if said is not None
        and said.intent != TextIntent.UNKNOWN
        and (said.intent == TextIntent.NUMBER or said.confidence >= SENTENCE_ALONE)
    ]
    return None if any(said.number != opening.number for said in others) else opening


def _takes_back(words: list[str], answer: TextIntent) -> bool:
    """Whether a sentence after a yes or a no takes it back or leaves it open: a "but", a
    hedge, a condition, a thing undecided, or the other answer's words."""
    if not words:
        return False
    other = PLAIN_YES if answer == TextIntent.NO else PLAIN_NO
    if words[0] in other or " ".join(words[:2]) in other:
        return True  # "Non. Enfin si, je viendrai", "Oui. Non, en fait..."
    if answer == TextIntent.NO:
        return False  # a no acts on nothing: the story after it may say anything
    if hedged(words) or undecided(words) or conditional(words):
        return True  # "Oui. Ça dépend de mon fils"
    agrees = says_coming(words) or consent.says_yes(words)
    return words[0] in BUT and not agrees  # "Yes. But I need to check with my son first"


PASSIVE_PHRASES = tuple(phrase for phrase in PASSIVE if " " in phrase)
"""An act told as done in a phrase of its own ("iptal olmuş", "was cancelled"); "annulé"
alone is also "j'annule"."""


def _own_clauses(parts: list[list[str]], starts: frozenset[int] = frozenset()) -> list[bool]:
    """For each clause, whether it is the person's own words. In a message that reports
    someone's words, only a clause neither reported nor just after a report in its sentence
    (``starts``: the clauses that open a sentence), said in the first person or asking the bot
    with a please ("le garagiste dit qu'il faut changer l'embrayage, alors je ne viens pas,
    je voudrais annuler ma place"; "l'infirmière dit qu'elle ne sortira pas. Merci d'annuler
    sa place"), is."""
    told = [reported(words) for words in parts]
    if not any(told):
        return [True] * len(parts)
    return [
        not told[i]
        and not (i and told[i - 1] and i not in starts)
        and not (i + 1 < len(told) and told[i + 1])  # "Cancel it please, that's what he said"
        and (not FIRST_PERSON.isdisjoint(words) or word_lists.says(words, PLEASE))
        for i, words in enumerate(parts)
    ]


PLEASE = word_lists.words("please")


def _by_sentence(text: str, language: str | None) -> tuple[list[list[str]], frozenset[int]]:
    """The message's clauses, and the ones that open a sentence (none told when the
    sentences do not cut the message into the same clauses)."""
    parts = clauses(text, language)
    starts: set[int] = set()
    at = 0
    for sentence in sentences(text):
        starts.add(at)
        at += len(clauses(sentence, language))
    return parts, frozenset(starts) if at == len(parts) else frozenset()


def _reported(reading: Reading, message: Message) -> Reading | None:
    """'ma voisine m'a dit d'annuler', 'my neighbour told me to cancel': not the person's act,
    unless the person asks it in a clause of their own, in their own words."""
    if not (reading.intent in ACTING or reading.intent == TextIntent.YES):
        return None
    if reading.by == LONG_MESSAGE:
        return None  # read sentence by sentence, someone's words left out
    if not reported(message.words):
        return None
    if reading.intent in ACTING:
        parts, starts = _by_sentence(without_subject(message.stripped), message.language)
        own = _own_clauses(parts, starts)
        if any(
            own[i] and has_acting_word(words) and not acting_word_negated(words)
            for i, words in enumerate(parts)
        ):
            return None
    return Reading(TextIntent.UNKNOWN, reading.confidence)


def _hedged_yes(reading: Reading, message: Message) -> Reading | None:
    """'inchallah je viens', 'yes but not friday', 'belki gelirim', 'oui allô': no yes. A
    long story's answer is hedged or not in its first sentence, where it was read."""
    words = _answered_in(reading, message)
    if reading.intent == TextIntent.YES and (
        hedged(words) or call_opening(words) or knows_how(words)
    ):
        return Reading(TextIntent.UNKNOWN, reading.confidence)
    if (
        reading.intent == TextIntent.CANCEL
        and hedged(words)
        and not has_acting_word(words)
        and not gives_back(words)  # "i'm out, give my place to someone else inshallah"
    ):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "yes but not friday"
    if reading.intent in UNDECIDABLE and _act_undecided(message):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "maybe i'll cancel"
    return None


def _answered_in(reading: Reading, message: Message) -> list[str]:
    """The words a reading was read from: a long story's first sentence when the story was
    read sentence by sentence, else the whole message."""
    if reading.by != LONG_MESSAGE:
        return message.words
    first = sentences(message.stripped[:MAX_ANALYSED])[0]
    return Message(first, message.language, message.model).words


UNDECIDABLE = frozenset({TextIntent.CANCEL, TextIntent.FORGET})
"""Acts a hedge leaves undecided; a stop, even hedged, is obeyed (the law on texts)."""


def _act_undecided(message: Message) -> bool:
    """Every clause that names the act leaves it undecided ("peut-être que j'annulerai");
    with no word of the act, the whole message does ("maybe i can't come")."""
    parts = [p for p in clauses(message.stripped, message.language) if has_acting_word(p)]
    if not parts:
        return undecided(message.words)
    return all(undecided(part) for part in parts)


def _taken_back(reading: Reading, message: Message) -> Reading | None:
    """'je voulais annuler mais finalement je viens': the clause after "mais" wins."""
    if reading.intent not in ACTING:
        return None
    words = message.words
    last = max((i for i, w in enumerate(words) if w in BUT), default=None)
    if last is None or not words[last + 1 :]:
        return None
    rest = words[last + 1 :]
    if reading.intent == TextIntent.STOP and other_act_kept(rest):
        return None  # "stop the messages but don't delete my booking": both asked
    told = rest[1:] if starts_with_no(rest) else rest  # "..., mais non, je viens"
    kept_coming = says_coming(rest) or names_ours(rest)
    if (
        reading.intent == TextIntent.STOP
        and told is rest
        and not about_messages(rest)
        and kept_coming
    ):
        return None  # "arrêtez les rappels mais je garde ma place": the stop stands
    coming = (
        says_coming(told)
        and not negated_near_coming(told)
        and not has_acting_word(rest)
        and not word_lists.says(rest, ANOTHER_TIME)
    )
    if reading.intent == TextIntent.CANCEL and coming:
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "... mais finalement je viens"
    after = _through(Message(" ".join(rest), message.language, message.model), False)
    if after.intent in (TextIntent.YES, TextIntent.NO) and not word_lists.says(rest, ANOTHER_TIME):
        return Reading(TextIntent.UNKNOWN, reading.confidence)
    return None


STOPPING = word_lists.words("stopping_verb")
ANOTHER_TIME = word_lists.words("another_time")
"""'la prochaine fois', 'another time': a coming later, not this one taken back."""


def other_act_kept(words: list[str]) -> bool:
    """'... but don't delete my booking', '... mais ne supprimez pas mon inscription': another
    act than stopping, negated: it keeps the seat, it does not take the stop back."""
    return (
        has_acting_word(words)
        and acting_word_negated(words)
        and not any(w.startswith(STOPPING) for w in words)
        and not about_messages(words)
    )


def _session_state(reading: Reading, message: Message) -> Reading | None:
    """'l'atelier de jeudi a été annulé ?', 'is my class still on?': asks to see one's
    bookings (with their state), never to act."""
    words = message.words
    asking = message.mark or asks(words, message.mark)
    supposing = conditional(words) or words[:1] in IF  # "si l'atelier est annulé, ..."
    if asking and not supposing and about_session_state(words) and reading.intent in STATE_READINGS:
        return Reading(TextIntent.MY_BOOKINGS, reading.confidence)
    return None


IF = (["si"], ["if"], ["eger"], ["اذا"], ["ila"])
"""A message that opens with "if" supposes; it does not ask about a session's state."""

STATE_READINGS = frozenset(
    {TextIntent.HELP, TextIntent.CANCEL, TextIntent.NO, TextIntent.UNKNOWN, TextIntent.SESSION}
)
"""Readings a question about a session's state is often mistaken for."""


CHOICE_BESIDE = frozenset(
    {TextIntent.UNKNOWN, TextIntent.WORKSHOPS, TextIntent.SESSION, TextIntent.MENU,
     TextIntent.HELP, TextIntent.NO, TextIntent.MY_BOOKINGS}
)  # fmt: skip
"""Readings a choice in a clause of its own turns into that choice."""


CLOCK_TIME = re.compile(r"\b\d{1,2}\s*[:h]\s*\d{2}(?!\d)")
"""An hour as written ("18:00", "14h30", "14:20'de"): the numbers beside it tell a time."""
RATIO = re.compile(r"\d+\s*/\s*\d+")
"""A mark or a date as written ("10/10", "12/03"): the numbers in it choose nothing."""


def _choice_in_clause(reading: Reading, message: Message) -> Reading | None:
    """'je choisis le numéro 5, merci', 'je prends le premier, c'est le seul où je suis
    libre', 'sonuncusu değil, üçüncüsü': one clause picks a choice (or several, the same
    one: "le quatrième me plaît bien... mettez-moi sur le numéro quatre"), no other names a
    number, nothing is reported."""
    if reading.intent not in CHOICE_BESIDE or reported(message.words):
        return None
    if letters_typed_at_random(message.stripped):
        return None  # "jjjjjjjj ,,,,, 9": keys pressed at random, no choice
    if _numbers_something_else(message.stripped):
        return None
    parts = clauses(message.stripped, message.language)
    if len(parts) < 2:
        return None
    picked = [(part, n) for part in parts if (n := choice_number(part)) is not None]
    if not picked or len({n for _, n in picked}) != 1:
        return None  # none, or "le 2 ou plutôt le 3"; "numéro 5 ! ... le cinquième" is one
    chosen = [part for part, _ in picked]
    others = [part for part in parts if all(part is not c for c in chosen)]
    if any(_names_a_number(w) for part in others for w in part):
        return None  # "j'ai 3 enfants, le premier a 7 ans", "06 .. .. .. 28"
    return Reading(TextIntent.NUMBER, 1.0, picked[0][1])


def _named_choice(reading: Reading, message: Message) -> Reading | None:
    """'Je souhaite retenir le choix numéro 4 de la liste proposée', 'Sayın Yetkili, mesajınızdaki
    ikinci seçeneği istiyorum': a choice named beside a word for a choice of the list, in a
    sentence too long to be a choice alone (``numbers.named_choice``); never in a question, a
    condition, someone else's words, an hour, a mark or a form."""
    if reading.intent not in CHOICE_BESIDE or message.mark or reported(message.words):
        return None
    if conditional(message.words) or _numbers_something_else(message.stripped):
        return None
    if asks(message.words, False) or wants_to_know(message.words) or undecided(message.words):
        return None  # "I'd like to know what option 3 is"
    chosen = named_choice(message.words)
    return None if chosen is None else Reading(TextIntent.NUMBER, 1.0, chosen)


def _numbers_something_else(text: str) -> bool:
    """An hour ("jeudi 18:00 réunion"), a mark ("10/10") or a count in a form ("Nombre de
    personnes : 1"): the message's numbers are no choice."""
    return bool(CLOCK_TIME.search(text) or RATIO.search(text)) or counts_in_a_form(text)


def _names_a_number(word: str) -> bool:
    """A word of another clause that names a number; "un", "one", "bir" are articles and
    pronouns there ("that one looks the most useful", "il en choisira un autre")."""
    return word.isdigit() or (value_of(word) not in (None, 1) or word in ORDINAL_ONES)


ORDINAL_ONES = frozenset(w for w, v in word_lists.numbers("ordinal").items() if v == 1)
"""'premier', 'first', 'birinci': a one that is no article."""


SCHOOL_MISREAD = frozenset(
    {*ACTING, *REQUESTS, TextIntent.YES, TextIntent.SESSION, TextIntent.HELP}
)
"""What a child's absence told to a school may look like to the classifier."""


ACTS_OR_YES = frozenset({*ACTING, TextIntent.YES})
"""Readings that would act: a web address beside them sends the act elsewhere."""


def _meant_elsewhere(reading: Reading, message: Message) -> Reading | None:
    """A notice pasted from another sender ("Reply C to cancel", "To cancel, go to
    doctolib.fr"), a letter to another firm's customer service, or a child's absence told
    to a school ("Elif yarın okula gelemeyecek"):
    nothing asked of the bot (``core.understanding.meant_elsewhere``)."""
    if reading.intent == TextIntent.UNKNOWN:
        return None
    notice = pasted_notice(message.stripped, message.words) or (
        reading.intent in ACTS_OR_YES and sends_to_a_website(message.stripped, message.words)
    )
    told = reading.intent in SCHOOL_MISREAD and told_to_school(_answered_in(reading, message))
    if notice or told:
        return Reading(TextIntent.UNKNOWN, reading.confidence)
    if reading.intent in ACTS_OR_YES and word_lists.says(message.words, SENT_BY_MISTAKE):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # "Stop, sent this by mistake"
    if reading.intent in ACTS_OR_YES and word_lists.says(message.words, OTHER_SERVICE):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # a letter to another firm
    if reading.intent in ACTS_OR_YES and word_lists.says(message.words, SETTINGS_STEPS):
        return Reading(TextIntent.UNKNOWN, reading.confidence)  # an app's how-to, pasted
    return None


OTHER_SERVICE = word_lists.words("other_service")
"""Another firm's customer service written to ("service client de Vinted", "Trendyol Müşteri
Hizmetleri'ne"): the erase or cancel asked of them is not asked of us."""
SENT_BY_MISTAKE = word_lists.words("sent_by_mistake")
"""'sent this by mistake', 'c'était pour ma sœur': a message meant for someone else."""
SETTINGS_STEPS = word_lists.words("settings_steps")
"""An app's how-to pasted ("To delete your account, go to Settings > ..."): its steps."""


CLAUSE_STEPS: tuple[ClauseStep, ...] = (
    ClauseStep("choice_in_clause", _choice_in_clause),
    ClauseStep("clause_request", _clause_request),
    ClauseStep("named_choice", _named_choice),
    ClauseStep(LONG_MESSAGE, _long_message),
    ClauseStep("reported", _reported),
    ClauseStep("hedged_yes", _hedged_yes),
    ClauseStep("taken_back", _taken_back),
    ClauseStep("session_state", _session_state),
    ClauseStep("meant_elsewhere", _meant_elsewhere),
)
"""The clause steps, in order; each may change the reading of the steps before."""

OFFERED = frozenset(
    {
        TextIntent.CANCEL,
        TextIntent.FORGET,
        TextIntent.MY_BOOKINGS,
        TextIntent.WORKSHOPS,
        TextIntent.PRIVACY,
        TextIntent.HELP,
    }
)
"""Intents a clarifying question may offer: each opens a screen, none acts at once."""

PAIRED = {TextIntent.CANCEL: TextIntent.MY_BOOKINGS, TextIntent.FORGET: TextIntent.PRIVACY}
"""The second choice offered beside an unsure cancel or erase: seeing before acting."""


def _with_runner_up(reading: Reading, message: Message) -> Reading:
    """The reading with the runner-up a clarifying question would offer beside it."""
    if reading.by not in COMPONENTS[len(FIRST) :] or not message.words:
        return reading
    probabilities = message.probabilities
    ranked = sorted(
        (TextIntent(name) for name in probabilities if TextIntent(name) in OFFERED),
        key=lambda intent: -probabilities[intent.value],
    )
    if reading.intent == TextIntent.UNKNOWN:  # two guesses, each likely enough, or none
        likely = [i for i in ranked[:2] if probabilities[i.value] >= ASK_AT_LEAST]
        if reading.by != "too_unsure" or len(likely) < 2:
            return reading
        return reading.with_runner_up(likely[1], probabilities[likely[1].value], likely[0])
    others = [intent for intent in ranked if intent != reading.intent]
    paired = PAIRED.get(reading.intent)
    runner_up = paired if paired is not None else (others[0] if others else None)
    if runner_up is None or (paired is None and probabilities[runner_up.value] < ASK_AT_LEAST):
        return reading
    return reading.with_runner_up(runner_up, probabilities[runner_up.value])


def unsure(reading: Reading) -> tuple[TextIntent, TextIntent] | None:
    """The two intents to ask about ("Vous voulez : 1. ... 2. ..."), when the reading is
    unsure: a cancel or an erase below HIGH, two close readings, a low confidence, or a
    message not understood of which two readings are each at least ASK_AT_LEAST likely."""
    second = reading.runner_up
    if second is None or reading.by == "screen":
        return None
    if reading.intent in PAIRED:
        return (reading.intent, second) if reading.confidence < HIGH else None
    if reading.intent in OFFERED:
        close = reading.confidence - reading.runner_up_confidence < CLOSE
        if close or reading.confidence < LOW:
            return reading.intent, second
        return None
    if reading.intent == TextIntent.UNKNOWN and reading.guess is not None:
        return reading.guess, second  # not understood, but two readings are likely
    return None


COMPONENTS: tuple[str, ...] = (
    *(step.name for step in FIRST),
    CLASSIFIER,
    *(rule.name for rule in SAFETY),
    *(correction.name for correction in CORRECTIONS),
    *(step.name for step in CLAUSE_STEPS),
)
"""Every component's name, in the order a message meets them."""


class Readings(NamedTuple):
    """One message read without a language and in the person's language."""

    neutral: Reading
    """Read without a language: the opt-out words are the same in every language."""
    own: Reading
    """Read in the person's language."""


def read_both(text: str, language: str | None) -> Readings:
    """The neutral reading and the reading in ``language``, each what ``read`` gives.

    The language changes only how words are normalised: when the normalised words are the
    same, the message goes through the pipeline once.
    """
    neutral = Message(text)
    reading = _through(neutral)
    if language:
        own = Message(text, language)
        if own.words != neutral.words:
            return Readings(reading, _through(own))
    return Readings(reading, reading)

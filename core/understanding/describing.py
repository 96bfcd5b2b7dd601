"""Picking a workshop from a description: "celui pour parler avec mes petits-enfants en
vidéo", "the one about the tax website", "الي فيه الواتساب", "torunlarimla görüntülü
konuşmak için olan".

The topics of digital-literacy workshops are data (``topic_words/{fr,en,ar,tr}.toml``): each
topic (``video_calls``, ``admin_online``, ``security``...) with its words in the four
languages, everyday and brand words, stems for inflection, darija in Arabic and Latin
letters, Turkish with or without its letters. The same lists read the person's message and
the organisers' French titles and descriptions, so a topic named in any language meets the
workshop whose title or description names it.

Each listed workshop is scored by the topics the message shares with it (a topic in the title
counts more than one in the description). A title written as it is (``intents.best_title``)
still wins first. One workshop is picked only when it clearly wins; when the best two are
close, both are offered in one question (``Described.between``); else nothing is picked and
the message is read as before.

Whether a message may describe a workshop at all is the reading's business
(``may_describe``): a cancel, one's bookings, a question about data or a stop are never
taken for a description, even when they name a topic ("annulez l'atelier WhatsApp").
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.understanding.intents import best_title
from core.understanding.normalising import bare, normalise, squeeze
from core.understanding.pipeline import unsure
from core.understanding.reading import ACTING, Reading, TextIntent
from core.understanding.thresholds import HIGH, LOW

FOLDER = Path(__file__).with_name("topic_words")
LANGUAGES = ("fr", "en", "ar", "tr")
HINT = "_hint"
DEVICE = "_device"
"""A '<topic>_device' list names a device ("téléphone", "tablet", "bilgisayar"): it names its
topic fully when the message names no other topic, and only leans (``HINT_WEIGHT``) beside
one, where it is the setting, not the subject ("les photos de mon téléphone", "my son's
tablet" for parental control)."""
POINTING = "points_at_a_workshop"
"""Not a topic: the words that point at one workshop of a list ("celui", "the one", "olan")."""
NO_TOPIC = "not_a_topic"
"""Not a topic: the place or a number ("the phone shop", "mon numéro de téléphone"), whose
words are then no topic's."""
NOT_ABOUT = "not_about"
"""Not a topic: words that say the next topic is not what is wanted ("pas pour mes enfants",
"not for my kids", "machi l...")."""
NOT_ABOUT_AFTER = "not_about_after"
"""Not a topic: words after a topic that say it is not what is wanted ("çocuklar için
değil")."""
NOT_ABOUT_REACH = 3
"""How many words away from a topic such words still reach it."""
HINT_WEIGHT = 0.5
"""A word that only leans towards a topic ('banque' for scams) counts this much."""

MESSAGE_CAP = 1.5
"""A topic named several times in a message counts at most this much."""
DESCRIPTION_WEIGHT = 0.35
"""A workshop's topic counts fully when its title names it, and this much when only its
description does (by a word that is no hint)."""

SHARED = 0.6
"""What each topic of a title that names several counts."""

PICK_AT = 0.35
"""Below this score, no workshop is described."""
FIRM = 0.6
"""Below this score (a word that only leans, nothing that names a topic), a workshop is never
picked outright: the two best are offered, or nothing when only one scores."""
CLEAR = 0.7
"""The best workshop is picked when the second scores at most this share of it; else the two
are offered."""

ARABIC_PARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
"""Written on an Arabic word: "والواتساب", "بالفيديو", "للكاف"."""
LATIN_PARTICLES = ("el", "l")
"""Arabizi's article written on the word: "lwatsap", "lcaf", "elfacebook"."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One word or phrase of the lists: its words ('*' ends a stem) and the topics it names."""

    words: tuple[str, ...]
    topics: tuple[tuple[str, float, frozenset[str]], ...]
    """Each topic, its weight, and the languages it is read in (a hint: only its own)."""

    @property
    def rank(self) -> tuple[int, int, int]:
        """Longer phrases first, then whole words before stems, then longer stems."""
        exact = sum(not word.endswith("*") for word in self.words)
        return len(self.words), exact, sum(len(word) for word in self.words)


def _plain(entry: str) -> tuple[str, ...]:
    """An entry's words as the normaliser leaves them, a stem keeping its '*'."""
    words = []
    for raw in entry.split():
        stem = raw.endswith("*")
        parts = [squeeze(part) for part in bare(raw.rstrip("*")).split()]
        if not parts:
            continue
        if stem:
            parts[-1] += "*"
        words.extend(parts)
    return tuple(words)


def _load() -> tuple[
    dict[str, list[Entry]],
    dict[str, list[Entry]],
    frozenset[str],
    frozenset[tuple[tuple[str, ...], str]],
]:
    """The entries, by their first word (whole) and by their first word's stem; the topics;
    the (words, topic) pairs that name a device."""
    named: dict[tuple[str, ...], dict[str, tuple[float, frozenset[str]]]] = {}
    topics: set[str] = set()
    devices: set[tuple[tuple[str, ...], str]] = set()
    for language in LANGUAGES:
        with (FOLDER / f"{language}.toml").open("rb") as handle:
            table = tomllib.load(handle)
        for name, entries in table.items():
            topic = name.removesuffix(HINT).removesuffix(DEVICE)
            weight = HINT_WEIGHT if name.endswith(HINT) else 1.0
            topics.add(topic)
            for entry in entries:
                words = _plain(str(entry))
                if not words:
                    continue
                if name.endswith(DEVICE):
                    devices.add((words, topic))
                found = named.setdefault(words, {})
                known, where = found.get(topic, (0.0, frozenset()))
                # a strong word is read whatever the language; a hint ("son", "ligne") only
                # in its own, where it cannot be a word of another language
                read_in = frozenset(LANGUAGES) if weight == 1.0 else frozenset({language})
                found[topic] = (max(known, weight), where | read_in)
    whole: dict[str, list[Entry]] = {}
    stems: dict[str, list[Entry]] = {}
    for words, weights in named.items():
        entry = Entry(words, tuple((t, w, langs) for t, (w, langs) in sorted(weights.items())))
        first = words[0]
        if first.endswith("*"):
            stems.setdefault(first[:-1], []).append(entry)
        else:
            whole.setdefault(first, []).append(entry)
    return whole, stems, frozenset(topics), frozenset(devices)


WHOLE, STEMS, TOPICS, DEVICES = _load()


def _forms(word: str, language: str | None = None) -> tuple[str, ...]:
    """A word, and the word without a particle written on it (in Latin letters only for
    Arabic and French, where Arabizi is written: English "left" is no "eft", the Turkish
    bank transfer)."""
    forms = [word]
    particles: tuple[str, ...]
    if "\u0600" <= word[:1] <= "\u06ff":
        particles = ARABIC_PARTICLES
    else:
        particles = LATIN_PARTICLES if language in (None, "ar", "fr") else ()
    for particle in particles:
        rest = word[len(particle) :]
        if word.startswith(particle) and len(rest) >= 3:
            forms.append(rest)
    return tuple(forms)


def _matches(pattern: str, forms: tuple[str, ...]) -> bool:
    if pattern.endswith("*"):
        return any(form.startswith(pattern[:-1]) for form in forms)
    return pattern in forms


def _candidates(forms: tuple[str, ...]) -> list[Entry]:
    found: list[Entry] = []
    for form in forms:
        found.extend(WHOLE.get(form, ()))
        for end in range(1, len(form) + 1):
            found.extend(STEMS.get(form[:end], ()))
    return found


def _read_in(entry: Entry, language: str | None) -> bool:
    """Whether an entry says anything in ``language`` (a hint of another language does not)."""
    return language not in LANGUAGES or any(language in where for _, _, where in entry.topics)


def _found_at(words: list[tuple[str, ...]], start: int, language: str | None) -> Entry | None:
    """The best entry that starts at ``start``: the longest phrase, a whole word before a stem."""
    best: Entry | None = None
    for entry in _candidates(words[start]):
        if not _read_in(entry, language):
            continue
        size = len(entry.words)
        if start + size > len(words):
            continue
        if not all(_matches(p, words[start + i]) for i, p in enumerate(entry.words)):
            continue
        if best is None or entry.rank > best.rank:
            best = entry
    return best


def topics_in(text: str, language: str | None = None, *, beside: bool = False) -> dict[str, float]:
    """The topics a text names, each with how strongly (a hint counts half; repeated
    words add up, up to ``MESSAGE_CAP``; a device leans only beside another topic named
    fully, or ``beside`` a topic named elsewhere: a workshop's title); ``POINTING`` when it
    points at a workshop."""
    words = [_forms(word, language) for word in normalise(text, language).split()]
    said: list[tuple[int, Entry]] = []  # each entry that names a topic, where it ends
    not_about_until = -1
    at = 0
    while at < len(words):
        entry = _found_at(words, at, language)
        if entry is None:
            at += 1
            continue
        end = at + len(entry.words)
        kinds = {topic for topic, _, _ in entry.topics}
        if NOT_ABOUT in kinds:  # "pas pour mes enfants": the next topic is not it
            not_about_until = end + NOT_ABOUT_REACH
        elif NOT_ABOUT_AFTER in kinds:  # "çocuklar için değil": the last topic was not it
            if said and said[-1][0] >= at - NOT_ABOUT_REACH:
                said.pop()
        elif kinds - {NO_TOPIC}:
            if at < not_about_until:
                not_about_until = -1
            else:
                said.append((end, entry))
        at = end
    named: dict[str, float] = {}
    devices: dict[str, float] = {}
    subject = beside  # a topic named by a word of its own (no hint, no device)
    for _, entry in said:
        for topic, weight, languages in entry.topics:
            if topic in (NO_TOPIC, NOT_ABOUT, NOT_ABOUT_AFTER):
                continue
            if _read_in(Entry(entry.words, ((topic, weight, languages),)), language):
                device = (entry.words, topic) in DEVICES
                found = devices if device else named
                found[topic] = min(MESSAGE_CAP, found.get(topic, 0.0) + weight)
                subject = subject or (weight >= 1.0 and not device and topic != POINTING)
    for topic, strength in devices.items():
        if subject:  # the setting: it leans, and adds nothing to its topic named otherwise
            named[topic] = max(named.get(topic, 0.0), HINT_WEIGHT * strength)
        else:
            named[topic] = min(MESSAGE_CAP, named.get(topic, 0.0) + strength)
    return named


@lru_cache(maxsize=512)
def workshop_topics(title: str, description: str) -> dict[str, float]:
    """A workshop's topics, read from its French title and description: what its title names
    by a word that is no hint is what it is about (``SHARED`` each, when the title names two
    topics or more: "Les réseaux sociaux en sécurité"); a hint in the title, or a topic its
    description names, counts ``DESCRIPTION_WEIGHT``; a hint in a description nothing."""
    in_title = topics_in(title, "fr")
    in_title.pop(POINTING, None)
    about = [topic for topic, strength in in_title.items() if strength >= 1.0]
    share = 1.0 if len(about) < 2 else SHARED
    topics = {topic: share for topic in about}
    later = [topic for topic in in_title if topic not in topics]
    in_description = topics_in(description, "fr", beside=bool(about))
    later += [topic for topic, strength in in_description.items() if strength >= 1.0]
    for topic in later:
        if topic != POINTING:
            topics[topic] = max(topics.get(topic, 0.0), DESCRIPTION_WEIGHT)
    return topics


@dataclass(frozen=True, slots=True)
class Described:
    """What a description names among the listed workshops: one (``chosen``), two to ask
    about (``between``), or none."""

    chosen: int | None = None
    between: tuple[int, int] | None = None
    by: str = ""
    """'title' (named as written) or 'topics' (described)."""

    @property
    def found(self) -> bool:
        return self.chosen is not None or self.between is not None


NOTHING = Described()


def points_at_a_workshop(text: str, language: str | None = None) -> bool:
    """Whether the message points at one workshop of a list: "celui pour ...", "c'est lequel
    ?", "the one about ...", "... olan", "الي فيه ..."."""
    return POINTING in topics_in(text, language)


def scores(
    text: str, workshops: Sequence[tuple[str, str]], language: str | None = None
) -> list[float]:
    """Each workshop's score: the topics it shares with the message, each by how strongly
    the message names it times how much the workshop is about it."""
    said = topics_in(text, language)
    said.pop(POINTING, None)
    if not said:
        return [0.0] * len(workshops)
    each = [workshop_topics(title, description) for title, description in workshops]
    return [
        sum(weight * topics[topic] for topic, weight in said.items() if topic in topics)
        for topics in each
    ]


def described(
    text: str, workshops: Sequence[tuple[str, str]], language: str | None = None
) -> Described:
    """The workshop (title, description) a message names or describes, if one clearly is;
    the two a description hesitates between; or nothing. Workshops with the same title are
    one workshop: the first listed is the one picked."""
    titles = [title for title, _ in workshops]
    named = best_title(text, titles)
    if named is not None:
        return Described(chosen=named, by="title")
    first: dict[str, int] = {}
    for index, title in enumerate(titles):
        first.setdefault(normalise(title), index)
    distinct = sorted(first.values())
    if not distinct:
        return NOTHING
    scored = scores(text, [workshops[i] for i in distinct], language)
    ranked = sorted(zip(scored, distinct, strict=True), key=lambda pair: -pair[0])
    best_score, best = ranked[0]
    if best_score < PICK_AT:
        return NOTHING
    second_score, second = ranked[1] if len(ranked) > 1 else (0.0, best)
    if best_score < FIRM:  # only leaning words: ask, never pick
        return Described(between=(best, second), by="topics") if second_score > 0 else NOTHING
    if second_score <= CLEAR * best_score:
        return Described(chosen=best, by="topics")
    return Described(between=(best, second), by="topics")


ONE = frozenset({"one", "un", "une", "واحد", "وحده", "wahed", "wa7ed", "wahd", "wa7d", "bir"})
"""The word "one", which may stand for a workshop rather than the first line."""


def one_stands_for_a_workshop(text: str, language: str | None = None) -> bool:
    """Whether "one" in the message stands for a workshop it points at ("the one about the
    tax website", "bghit nkhdem, chmen wahed?"), not for the first line: no digit, the word
    "one", and words that point at a workshop. A choice number read from it gives way to a
    workshop described; when none is, the number stands."""
    if any(char.isdigit() for char in text):
        return False
    words = normalise(text, language).split()
    return any(word in ONE for word in words) and points_at_a_workshop(text, language)


DESCRIBING = frozenset({TextIntent.UNKNOWN, TextIntent.WORKSHOPS, TextIntent.SESSION})
"""Readings a description of a workshop may have: not understood, or asking for workshops."""
GUESSED = frozenset({TextIntent.HELP, TextIntent.EXPLAIN})
"""Readings that give way to a description when the classifier only guessed them ("j'ai
besoin du truc pour la CAF" may read as help)."""
POINTED = frozenset(
    {
        TextIntent.HELP,
        TextIntent.EXPLAIN,
        TextIntent.MY_BOOKINGS,
        TextIntent.PRIVACY,
        TextIntent.MENU,
    }
)
"""Readings that give way to a description that points at one workshop of the list ("c'est
lequel pour les mots de passe ?", "gizlilik ayarlari olan"): the words that point choose
among the workshops, they ask nothing of one's bookings or data."""
ON_THE_LIST = frozenset({TextIntent.HELP, TextIntent.EXPLAIN, TextIntent.MENU, TextIntent.LANGUAGE})
"""Readings that give way, on the list of workshops, to any description of one: a person
looking at the list who writes "les dossiers et les fichiers je m'y perds" asks for a
workshop, not for help (which names no topic and stays help). Not a question about data:
its words ("mes données") name a topic."""
GUESSED_ON_THE_LIST = frozenset({TextIntent.MY_BOOKINGS})
"""Readings that give way on the list when the classifier is hardly more sure of them than
it is unsure (below the middle of ``LOW`` and ``HIGH``: "need to redo my resume", 0.54, read
as one's bookings); "mes inscriptions à l'atelier WhatsApp" (0.83) stays one's bookings."""
HARDLY_SURE = (LOW + HIGH) / 2


def _gives_way_on_the_list(reading: Reading) -> bool:
    if reading.intent in ON_THE_LIST:
        return True
    return reading.intent in GUESSED_ON_THE_LIST and reading.confidence < HARDLY_SURE


def may_describe(reading: Reading, text: str = "", language: str | None = None) -> bool:
    """Whether a message so read may be taken for a workshop's description: never an act
    (cancel, erase), a stop or a start, a choice number or a no; one's bookings, help or a
    question about data only when it points at one workshop of the list."""
    if reading.intent in DESCRIBING or reading.intent == TextIntent.YES:
        return True  # on a list, a yes asks nothing: "oui celui du whatsapp"
    if reading.intent in GUESSED and reading.by == "classifier" and reading.confidence < LOW:
        return True
    return reading.intent in POINTED and points_at_a_workshop(text, language)


def may_pick(
    reading: Reading, text: str, language: str | None = None, *, one: bool = False, listed: bool
) -> bool:
    """Whether a message so read may pick the workshop it describes, on the list (``listed``)
    or elsewhere: only a reading that may describe one (``may_describe``, or "the one" that
    stands for a workshop; on the list, help, the menu, a language or one's bookings read
    less than surely too), never when an act is among the readings to ask about ("is it a
    cancel?" is asked first), and off the list, asking for the workshops ("what classes do you
    run? my mum struggles with her phone") only when the message points at one."""
    if reading.intent == TextIntent.WORKSHOPS and not (
        listed or points_at_a_workshop(text, language)
    ):
        return False
    on_the_list = listed and _gives_way_on_the_list(reading)
    if not (one or on_the_list or may_describe(reading, text, language)):
        return False
    offered = unsure(reading)
    return offered is None or not any(intent in ACTING for intent in offered)

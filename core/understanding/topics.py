"""Workshop topics named in people's words: "le truc sur le CV", "the Canva one", "kodlama".

Read context-free (``atelier understand``): a message that names a topic of digital-literacy
workshops, with a word of wanting, learning or a workshop noun, asks for that workshop. In a
conversation the catalogue's own titles are matched first (``handlers.flows.browse``).
"""

from __future__ import annotations

from core.understanding import word_lists

TOPICS = word_lists.words("topic")
WANTING = word_lists.words("asking_for_topic")
LEARNED = word_lists.words("learned_before")
"""Learning told as done: "ma petite-fille m'a appris les appels vidéo" asks for nothing."""


FITS = word_lists.words("asks_what_fits")
"""Asking what would suit someone: the topic is told as a need, the list is asked for."""


ARABIC_TOPICS = tuple(topic for topic in TOPICS if "\u0600" <= topic[0] <= "\u06ff")


def names_a_topic(words: list[str]) -> bool:
    """Whether the message names a workshop topic beside a word that asks for it, and does
    not tell of it as learned already ("I learned emails at the library")."""
    text = f" {' '.join(words)} "
    named = any(f" {topic}" in text for topic in TOPICS) or any(
        topic in text
        for topic in ARABIC_TOPICS  # "والأميلي": a particle written on it
    )
    told = any(f" {phrase}" in text for phrase in LEARNED)
    if any(f" {phrase}" in text for phrase in FITS):
        return False  # "she just got her first smartphone, what would you suggest for her?"
    return named and not told and any(word.startswith(WANTING) for word in words)


OPINION = tuple(word_lists.words("opinion"))
"""A judgement on a topic or on the workshops: "learning Excel is a waste of time",
"les réseaux sociaux c'est dangereux", "kurs murs boş iş", "kan mlih bezzaf"."""
WISHING = tuple(word_lists.words("wishing"))
"""A wish said beside it ("i want", "je voudrais", "istiyorum", "bghit"): still a request."""


def gives_opinion(words: list[str], mark: bool) -> bool:
    """Whether the message only gives an opinion: a judgement, no question, no wish."""
    return (
        not mark
        and word_lists.says(words, OPINION)
        and not any(word.startswith(WISHING) for word in words)
    )


def tells_attended(words: list[str], mark: bool) -> bool:
    """Whether the message tells of a workshop done or a thing learned ("j'ai fait l'atelier
    mail, depuis j'écris à mon fils", "I attended the scams class"), asking nothing: no
    question, no wish."""
    text = f" {' '.join(words)} "
    return (
        not mark
        and any(f" {phrase}" in text for phrase in LEARNED)
        and not any(word.startswith(WISHING) for word in words)
    )

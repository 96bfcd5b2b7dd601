"""Questions about one's data: "hal raqm hatifi mahmi ?", "telefon numaram ne icin
kullaniliyor", "comment supprimer mes données ?". They are answered by the privacy notice;
they never erase.
"""

from __future__ import annotations

from core.understanding import word_lists
from core.understanding.negation import asks, data_word, erases_personal

DATA_WORDS = word_lists.words("data")
MY_NUMBER = word_lists.words("my_details")
HANDLING = word_lists.words("data_handling")


KNOWING = word_lists.words("knowing")
"""'je souhaite savoir', 'öğrenmek istiyorum': a request to know asks as a question does."""
QUESTION_WORDS = word_lists.word_set("question_word")
"""Question words anywhere in a message: "verilerimi nasil sildirebilirim"."""


ARABIC_MY_NUMBER = word_lists.words("my_number_particles")
OTHER_HOLDER = word_lists.words("other_holder")
"""Someone else who keeps data ("Facebook", "my bank", "Instagram")."""
TO_YOU = word_lists.word_set("to_you")
"""Words that speak to the bot ("vous", "you", "siz", "عندكم")."""


def about_someone_else(words: list[str]) -> bool:
    """'how long does Facebook keep my data?', 'la banque me demande mon numéro': a question
    about another holder's use of one's data, the bot not spoken to."""
    text = f" {' '.join(words)} "
    holder = any(f" {name}" in text for name in OTHER_HOLDER)
    return holder and not TO_YOU & set(words) and not any(w.endswith(YOU_ENDINGS) for w in words)


YOU_ENDINGS = ("siniz", "sunuz", "nuz", "niz", "كم", "tkom", "kom")
"""Turkish and Arabic endings of 'you' (plural or polite): "saklıyor musunuz", "عندكم"."""


def asks_about_data(words: list[str], question_mark: bool) -> bool:
    """Whether the message asks what happens to the person's data (a question, no request)."""
    if about_someone_else(words):
        return False
    wants_to_know = any(w.startswith(KNOWING) for w in words)
    if not asks(words, question_mark) and not QUESTION_WORDS & set(words) and not wants_to_know:
        return False
    text = f" {' '.join(words)} "
    about = (
        any(data_word(w, DATA_WORDS) for w in words)
        or any(f" {phrase} " in text for phrase in MY_NUMBER)
        or any(phrase in text for phrase in ARABIC_MY_NUMBER)  # "برقم هاتفي"
    )
    return (about and any(w.startswith(HANDLING) for w in words)) or (
        about and erases_personal(words)
    )


AUTHORITY = word_lists.words("authority")
"""An authority one may fear is told: "la mairie", "the job centre", "devlet", "الدولة"."""
BEING_TOLD = word_lists.words("being_told")
RECORDING = word_lists.words("recording")
RECORDED = word_lists.words("recorded")


AUTHORITY_BEFORE = 4
"""How many words before the verb of seeing the authority that sees may stand."""
HOW_WORDS = word_lists.word_set("how")
CLASSES = word_lists.words("class_people")
"""A workshop named ("record a video call workshop?"): the topic, not the person's data."""


def asks_who_knows_or_records(words: list[str], question_mark: bool) -> bool:
    """'est-ce que la mairie voit mes inscriptions ?', 'does the job centre see that I come?',
    'belediye kaydimi goruyor mu', 'do you record the calls?': whether an authority sees
    one's coming, or what is said is recorded: a question about one's data. Not "can I see
    the council?" (the person sees), nor "how do I record a call?" (a how-to)."""
    if not asks(words, question_mark):
        return False
    return _authority_sees(words) or _calls_recorded(words)


def _authority_sees(words: list[str]) -> bool:
    for i, word in enumerate(words):
        pair = " ".join(words[i : i + 2])
        if not word.startswith(BEING_TOLD) and not any(
            " " in told and pair.startswith(told) for told in BEING_TOLD
        ):
            continue
        before = " " + " ".join(words[max(0, i - AUTHORITY_BEFORE) : i]) + " "
        if any(f" {name}" in before for name in AUTHORITY):
            return True
    return False


def _calls_recorded(words: list[str]) -> bool:
    if HOW_WORDS & set(words) or any(w.startswith(CLASSES) for w in words):
        return False
    text = f" {' '.join(words)} "
    recording = any(w.startswith(RECORDING) for w in words) or any(
        f" {stem}" in text for stem in RECORDING
    )
    return recording and any(
        w.startswith(RECORDED) or any(r in w for r in RECORDED if not r.isascii()) for w in words
    )

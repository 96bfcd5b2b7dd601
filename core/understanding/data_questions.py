"""Questions about one's data: "hal raqm hatifi mahmi ?", "telefon numaram ne icin
kullaniliyor", "comment supprimer mes données ?". They are answered by the privacy notice;
they never erase.
"""

from __future__ import annotations

from core.understanding import word_lists
from core.understanding.negation import asks, erases_personal

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
        any(w.startswith(DATA_WORDS) and not w.startswith("bilgisayar") for w in words)
        or any(f" {phrase} " in text for phrase in MY_NUMBER)
        or any(phrase in text for phrase in ARABIC_MY_NUMBER)  # "برقم هاتفي"
    )
    return (about and any(w.startswith(HANDLING) for w in words)) or (
        about and erases_personal(words)
    )

"""The formulas of a letter set aside: the salutation it opens with ("Madame, Monsieur,",
"Dear Sir or Madam,", "Sayin yetkili,", "تحية طيبة وبعد،", "السادة الكرام،") and the closing it
ends with ("Cordialement.", "Bien à vous", "Merci d'avance", "Kind regards.", "Saygilarimla.",
"مع فائق الاحترام"), with a short signature after the closing ("Cordialement, Mme Lefèvre",
"Saygilarimla, Ahmet amca").

They are politeness: they ask nothing, yet in a short request they outweigh its own words
("Sayin yetkili, işbu mesajla onayimi bildiririm. Saygilarimla." was read as nothing). The
rest is read, when training and when reading (``core.understanding.normalising`` calls this
on the plain words). A message made only of formulas stays what it is: "Madame, Monsieur,
bonjour" is a greeting, "Cordialement" alone is nothing.
"""

from __future__ import annotations

from core.understanding import word_lists

SALUTATIONS = tuple(
    sorted((p.split() for p in word_lists.words("salutation")), key=len, reverse=True)
)
"""A letter's opening formulas, the longest first ("madame monsieur" before "madame")."""
CLOSINGS = tuple(sorted((p.split() for p in word_lists.words("closing")), key=len, reverse=True))
"""A letter's closing formulas, the longest first ("bien cordialement" before "cordialement")."""
WRITING_FOR = tuple(
    sorted((p.split() for p in word_lists.words("writing_for")), key=len, reverse=True)
)
"""'je vous ecris pour', "i m calling for", "adina yaziyorum": for whom one writes."""
CLOSE_ONES = tuple(
    sorted(
        {*word_lists.words("relative_subject"), *word_lists.words("kin")},
        key=lambda c: -len(c.split()),
    )
)
"""Someone close, the longest first ("ma grand mere" before "mere")."""
GREETINGS = tuple(word_lists.words("greeting"))
"""'bonjour', 'good morning', 'السلام عليكم', 'merhaba': a greeting, kept before a salutation
("Bonjour Madame" is "bonjour")."""
SIGNATURE_TITLES = word_lists.word_set("signature_title")
"""A title before a name signed at the end: "mme", "mr", "السيد"."""
PEOPLE = word_lists.word_set("signature_title", "addressee", "relative_subject")
"""Words a signature may hold beside a name: a title, a kin word ("Ahmet amca", "sa fille")."""
KNOWN = frozenset(
    word for table in word_lists.BY_LANGUAGE.values() for ideas in table.values()
    for word in ideas if " " not in word
) - PEOPLE  # fmt: skip
"""Words of the lists, none a name: after a closing, they go on the sentence ("with regards to
it"), they sign nothing."""
SIGNATURE_WORDS = 2
"""A signature after the closing is short: "Mme Lefèvre", "Ahmet amca"."""


SALUTATION_AT = word_lists.Phrases(" ".join(p) for p in SALUTATIONS)
WRITING_FOR_AT = word_lists.Phrases(" ".join(p) for p in WRITING_FOR)
CLOSE_ONE_AT = word_lists.Phrases(CLOSE_ONES)
GREETING_AT = word_lists.Phrases(GREETINGS)


def _opening(words: list[str]) -> int:
    """How many words the salutation at the start takes (0: none), or the words that say for
    whom one writes ("je vous ecris pour ma grand mere", "babam adina yaziyorum")."""
    return SALUTATION_AT.at(words) or _writing_for(words)


def _writing_for(words: list[str]) -> int:
    """How many words an opening "writing for someone close" takes (0: none)."""
    if (size := WRITING_FOR_AT.at(words)) and (close := _close_one(words[size:])):
        return size + close  # "i m writing for my mum"
    if (close := _close_one(words)) and (size := WRITING_FOR_AT.at(words, close)):
        return close + size  # "babam adina yaziyorum"
    return 0


def _close_one(words: list[str]) -> int:
    """How many words someone close takes at the start (0: none)."""
    return CLOSE_ONE_AT.at(words)


def _greeting(words: list[str]) -> int:
    """How many words the greeting at the start takes (0: none): "bonjour", "good morning"."""
    return GREETING_AT.at(words)


def _signs(words: list[str]) -> bool:
    """Whether the words after a closing are a signature: a name, with a title or a kin
    word, no word of the lists otherwise ("Mme Lefèvre", "Ahmet amca"; not "to it")."""
    return len(words) <= SIGNATURE_WORDS and not any(w in KNOWN or w.isdigit() for w in words)


def _closing_from(words: list[str]) -> int | None:
    """Where the closing formula at the end begins, with the short signature after it; None
    when the message does not end so."""
    for size in range(SIGNATURE_WORDS + 1):
        end = len(words) - size
        if size and not _signs(words[end:]):
            continue
        for phrase in CLOSINGS:
            start = end - len(phrase)
            if start >= 0 and words[start:end] == phrase:
                return start
    return None


def _left(words: list[str]) -> list[str]:
    """The words without the salutation at the start (a greeting before it kept: "bonjour
    madame" is "bonjour") and the closing (and its signature) at the end, each as often as it
    is written ("Madame, Monsieur, bonjour madame")."""
    kept = words
    while kept:
        if taken := _opening(kept):
            kept = kept[taken:]  # "Madame, Monsieur, ..."
        elif (greeting := _greeting(kept)) and (taken := _opening(kept[greeting:])):
            kept = kept[:greeting] + kept[greeting + taken :]  # "Bonjour Madame, ...": bonjour
        else:
            break
    while kept and (start := _closing_from(kept)) is not None:
        kept = kept[:start]
    return kept


def without_formulas(words: list[str]) -> list[str]:
    """The words without a letter's formulas; the words themselves when nothing else is left
    ("Cordialement" alone, "Bonjour Madame")."""
    return _left(words) or words


def only_formulas(words: list[str]) -> bool:
    """Whether the message is a letter's formulas and nothing else ("Madame, Monsieur,",
    "Kind regards", "Merci d'avance"): it asks nothing. "Bonjour Madame" greets."""
    return bool(words) and not _left(words)

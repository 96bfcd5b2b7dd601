"""Written text brought to one plain form before it is read.

Lower case, no accents, no Arabic vowel marks, one form for each Arabic letter, letters
said three times said once ("ouiiii"), apostrophes split ("j'peux" is "j peux"), and SMS
spellings and abbreviations written out per language ("jveu" is "je veux", "slm" is
"selam"), misspelt key words as they should be ("anunler" is "annuler", ``typos``), and a
letter's formulas set aside ("Madame, Monsieur, ... Cordialement.", ``courtesy``). Digits
inside words stay (Arabizi writes letters with them: "3afak", "ma7ad").
"""

from __future__ import annotations

import re
import unicodedata

from core.understanding import word_lists
from core.understanding.courtesy import without_formulas
from core.understanding.sounds import BY_EAR, sounded
from core.understanding.thresholds import MAX_ANALYSED
from core.understanding.typos import corrected

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ـ": ""}
)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_NOT_WORD = re.compile(r"[\W_]+")
_ARABIC_BESIDE_DIGIT = re.compile(r"(?<=[\u0600-\u06ff])(?=\d)|(?<=\d)(?=[\u0600-\u06ff])")
"""Where Arabic letters and digits meet: "رقم٢" is "رقم 2" (a word in Arabic letters never
holds a digit; Arabizi words in Latin letters do, "3afak", and stay whole)."""
_QUESTION = re.compile(r"[?¿؟]")
_CV = re.compile(r"\bC\.?V\b")
_NUMBER_SIGN = re.compile(r"\b(?:[nN][°º]|[nN]o\.)\s*(?=\d)")
"""'n°5', 'no. 6': a number as a letter writes it ("numero 5"), never the word "no"."""
_OUAIS = re.compile(r"^ou?a+i+[sp]?$|^oua+i*[sp]$")
"""'ouaiis', 'ouaip', 'oaais': the many spellings of "ouais"."""

SHARED: dict[str, str] = word_lists.spellings("spelling")
"""One table for every language (``[spelling]`` in words/*.toml): the forms in it mean the same
wherever they are written. Forms that differ by language sit in BY_LANGUAGE."""

BY_LANGUAGE: dict[str, dict[str, str]] = {
    language: word_lists.spellings("spelling_in_this_language", language)
    for language in word_lists.LANGUAGES
}
"""Forms written out only for a person who chose the language ("g" is "j ai" in French)."""


EMOJI = {"👍": " ok ", "👌": " ok ", "✅": " ok ", "👎": " non ", "❌": " non ", "🙏": " merci "}
_EMOJI = str.maketrans(EMOJI)


def bare(text: str) -> str:
    """Lower case without accents, vowel marks or punctuation; single spaces."""
    text = (
        text[:MAX_ANALYSED]
        .translate(_EMOJI)
        .replace("\u0130", "i")
        .replace("\u0131", "i")
        .casefold()
    )
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    stripped = stripped.translate(_ARABIC_DIGITS).translate(_ARABIC_LETTERS)
    stripped = stripped.replace("’", " ").replace("'", " ")
    stripped = _ARABIC_BESIDE_DIGIT.sub(" ", stripped)
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def squeeze(word: str) -> str:
    """A letter written three times or more is written once: "ouiiii" is "oui"."""
    return _REPEATS.sub(r"\1", word)


def normalise(text: str, language: str | None = None) -> str:
    """The plain form of a message: what every reading of it starts from."""
    table = BY_LANGUAGE.get(language or "", {})
    words: list[str] = []
    text = _CV.sub(" curriculum ", text)  # "CV" in capitals is never "ça va"
    text = _NUMBER_SIGN.sub(" numero ", text)
    for word in bare(text).split():
        word = squeeze(word)
        if _OUAIS.match(word):
            word = "ouais"
        words.append(table.get(word) or SHARED.get(word) or _as_meant(word, language))
    plain = " ".join(_asking_ma(_curriculum(words))).split()
    return " ".join(without_formulas(plain))


def _as_meant(word: str, language: str | None) -> str:
    """A slip, or in French and English a spelling by ear ("kansel", "éfassé", "nomero"), of
    a key word or an answer word, read as that word."""
    fixed = corrected(word)
    return sounded(fixed) if fixed == word and language in BY_EAR else fixed


ARTICLES = word_lists.word_set("cv_article")
"""Words before "cv" that make it a curriculum vitae, not "ça va"."""


def _curriculum(words: list[str]) -> list[str]:
    """'mon cv', 'atelier CV': a curriculum vitae; 'slt cv' is "ça va" (the SMS table's)."""
    return [
        "cv" if word == "ca va" and i > 0 and words[i - 1] in ARTICLES else word
        for i, word in enumerate(words)
    ]


ASKED_AFTER_MA = word_lists.word_set("asked_after_ma")
"""Words after which Arabic "ما" asks "what" ("ما هذا؟", "ما هي الورشات"): no negation."""


def _asking_ma(words: list[str]) -> list[str]:
    """Interrogative "ما" is written "ماذا", so that it is never read as a negation."""
    return [
        "ماذا" if word == "ما" and i + 1 < len(words) and words[i + 1] in ASKED_AFTER_MA else word
        for i, word in enumerate(words)
    ]


def is_question(text: str) -> bool:
    """Whether the message asks something (a question mark, wherever it is)."""
    return bool(_QUESTION.search(text))

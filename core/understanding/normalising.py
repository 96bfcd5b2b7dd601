"""Written text brought to one plain form before it is read.

Lower case, no accents, no Arabic vowel marks, one form for each Arabic letter, letters
said three times said once ("ouiiii"), apostrophes split ("j'peux" is "j peux"), and SMS
spellings and abbreviations written out per language ("jveu" is "je veux", "slm" is
"selam"). Digits inside words stay (Arabizi writes letters with them: "3afak", "ma7ad").
"""

from __future__ import annotations

import re
import unicodedata

from core.understanding.thresholds import MAX_ANALYSED

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ـ": ""}
)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_NOT_WORD = re.compile(r"[\W_]+")
_QUESTION = re.compile(r"[?¿؟]")
_CV = re.compile(r"\bC\.?V\b")
_OUAIS = re.compile(r"^ou?a+i+[sp]?$|^oua+i*[sp]$")
"""'ouaiis', 'ouaip', 'oaais': the many spellings of "ouais"."""

# One table for every language: the words in it mean the same wherever they are written.
# Words that differ by language sit in the language's own table below.
SHARED: dict[str, str] = {
    # French SMS spellings
    "jveu": "je veux", "jveux": "je veux", "jve": "je veux", "jeveux": "je veux",
    "chui": "je suis", "chuis": "je suis", "jsuis": "je suis", "jsui": "je suis",
    "jpeux": "je peux", "jpeu": "je peux", "jpx": "je peux", "jpe": "je peux",
    "jpourrai": "je pourrai", "jpourais": "je pourrais", "jpourrais": "je pourrais",
    "jsais": "je sais", "jsai": "je sais", "chai": "je sais", "chais": "je sais",
    "jcomprends": "je comprends", "jcomprend": "je comprends", "jcompren": "je comprends",
    "jviens": "je viens", "jvien": "je viens", "jviendrai": "je viendrai",
    "jvais": "je vais", "jvai": "je vais", "jai": "j ai", "jme": "je me", "jm": "je m",
    "jte": "je te", "jsp": "je sais pas", "jcp": "je sais pas", "chepa": "je sais pas",
    "stp": "s il te plait", "svp": "s il vous plait", "stpl": "s il te plait",
    "slt": "salut", "bjr": "bonjour", "bsr": "bonsoir", "cc": "coucou", "bjour": "bonjour",
    "cv": "ca va", "mrc": "merci", "mrci": "merci", "mci": "merci", "msi": "merci",
    "dac": "d accord", "dacc": "d accord", "daccord": "d accord", "dak": "d accord",
    "ok": "ok", "okay": "ok", "oki": "ok", "okk": "ok", "okey": "ok", "okok": "ok",
    "okayy": "ok", "oke": "ok",
    "nrml": "normal", "nrmlt": "normalement", "pk": "pourquoi", "pq": "pourquoi",
    "pcq": "parce que", "pck": "parce que", "qd": "quand", "qnd": "quand",
    "bcp": "beaucoup", "tjr": "toujours", "tjrs": "toujours", "dsl": "desole",
    "mtn": "maintenant", "auj": "aujourd hui", "ajd": "aujourd hui",
    "demin": "demain", "koi": "quoi", "kwa": "quoi", "ki": "qui", "ke": "que", "kel": "quel",
    "kelle": "quelle", "comen": "comment", "cmt": "comment", "cmnt": "comment",
    "pa": "pas", "po": "pas", "paa": "pas", "rien": "rien",
    "atelie": "atelier", "ateier": "atelier", "atlier": "atelier",
    "inscri": "inscris", "inscrir": "inscrire", "desinscrir": "desinscrire",
    "anule": "annule", "anuler": "annuler", "annulle": "annule", "annuller": "annuler",
    "anulez": "annulez", "anulle": "annule",
    "wsh": "wesh", "wech": "wesh", "bjrs": "bonjour",
    # English texting
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "plse": "please",
    "thx": "thanks", "thnx": "thanks", "ty": "thank you", "tnx": "thanks",
    "cant": "can t", "cannot": "can not", "dont": "don t", "wont": "won t", "isnt": "isn t",
    "didnt": "didn t", "doesnt": "doesn t", "im": "i m", "ill": "i ll", "idk": "i don t know",
    "gonna": "going to", "wanna": "want to", "yeah": "yes", "yea": "yes",
    "yup": "yep", "nah": "no", "ppl": "people", "msg": "message", "msgs": "messages",
    "txt": "text", "txts": "texts", "wat": "what", "wut": "what", "hw": "how",
    # Turkish texting
    "mrb": "merhaba", "mrhb": "merhaba", "slm": "selam", "tmm": "tamam", "tmam": "tamam",
    "tm": "tamam", "tsk": "tesekkurler", "tskler": "tesekkurler", "tsklr": "tesekkurler",
    "tesekkur": "tesekkurler", "sagol": "sagol", "eyv": "eyvallah", "nbr": "ne haber",
    "nslsn": "nasilsin", "bi": "bir", "bisi": "bir sey", "bisey": "bir sey",
    "slmlr": "selamlar", "kib": "kendine iyi bak", "yrdm": "yardim", "lutfn": "lutfen",
    "iptl": "iptal", "gelcem": "gelecegim", "gelicem": "gelecegim", "gelcm": "gelecegim",
    "gelemicem": "gelemeyecegim", "gelemiycem": "gelemeyecegim", "gelemiyom": "gelemiyorum",
    "katilamicam": "katilamayacagim", "katilamiycam": "katilamayacagim", "olcak": "olacak",
    "nasi": "nasil", "hyr": "hayir", "tmmdir": "tamamdir", "naber": "ne haber",
    # more French SMS spellings
    "kan": "quand", "kand": "quand", "koman": "comment", "komen": "comment", "cmb": "combien",
    "pr": "pour", "ds": "dans", "vs": "vous", "nn": "non", "tkt": "t inquiete",
    "jcrois": "je crois", "jpense": "je pense", "kesk": "qu est ce que",
    "keske": "qu est ce que", "kesako": "qu est ce que c est", "keskia": "qu est ce qu il y a",
    "jreserve": "je reserve", "jannule": "j annule", "jarrive": "j arrive",
    "inscrite": "inscrite", "inscrt": "inscrit", "reservr": "reserver",
    # more English texting
    "wen": "when", "whn": "when", "wht": "what", "tmrw": "tomorrow", "tmr": "tomorrow",
    "2moro": "tomorrow", "2morrow": "tomorrow", "cuz": "because", "coz": "because",
    "sry": "sorry", "soz": "sorry", "gotta": "got to", "lemme": "let me", "hlp": "help",
    "cn": "can", "cud": "could", "wud": "would", "shud": "should",
    # Maghrebi Arabic in Latin letters: one spelling for each word
    "wash": "wach", "wch": "wach", "kifash": "kifach", "kifch": "kifach", "kifache": "kifach",
    "fou9ach": "fo9ach", "foqach": "fo9ach", "fo9ash": "fo9ach", "fu9ach": "fo9ach",
    "fuqash": "fo9ach", "imta": "imta", "emta": "imta", "diali": "dyali", "dialy": "dyali",
    "dyaly": "dyali", "dial": "dyal", "bgheet": "bghit", "bghet": "bghit", "bghyt": "bghit",
    "afak": "3afak", "3fak": "3afak", "3afk": "3afak", "choukran": "chokran",
    "shokran": "chokran", "shukran": "chokran", "chukran": "chokran", "mzian": "mzyan",
    "mezyan": "mzyan", "mziana": "mzyana", "nqder": "n9der", "n9dar": "n9der",
    "nqdar": "n9der", "nqderch": "n9derch", "n9drch": "n9derch", "nqdrch": "n9derch",
    "n9darch": "n9derch", "ghedda": "ghda", "ghedwa": "ghda", "dba": "daba", "db": "daba",
    "wakhha": "wakha", "wakah": "wakha", "wahka": "wakha", "waxxa": "wakha",
}  # fmt: skip

BY_LANGUAGE: dict[str, dict[str, str]] = {
    "fr": {"g": "j ai", "n": "ne", "ya": "il y a", "we": "ouais", "wai": "ouais", "wey": "ouais"},
    "en": {"k": "ok", "kk": "ok"},
    "tr": {"s": "sey"},
    "ar": {},
}


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
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def squeeze(word: str) -> str:
    """A letter written three times or more is written once: "ouiiii" is "oui"."""
    return _REPEATS.sub(r"\1", word)


def normalise(text: str, language: str | None = None) -> str:
    """The plain form of a message: what every reading of it starts from."""
    table = BY_LANGUAGE.get(language or "", {})
    words: list[str] = []
    text = _CV.sub(" curriculum ", text)  # "CV" in capitals is never "ça va"
    for word in bare(text).split():
        word = squeeze(word)
        if _OUAIS.match(word):
            word = "ouais"
        words.append(table.get(word) or SHARED.get(word) or word)
    return " ".join(" ".join(_asking_ma(_curriculum(words))).split())


ARTICLES = frozenset(
    {"le", "un", "mon", "ton", "son", "du", "de", "d", "l", "my", "a", "the", "your", "ce",
     "votre", "faire", "atelier", "write", "sur"}
)  # fmt: skip


def _curriculum(words: list[str]) -> list[str]:
    """'mon cv', 'atelier CV': a curriculum vitae; 'slt cv' is "ça va" (the SMS table's)."""
    return [
        "cv" if word == "ca va" and i > 0 and words[i - 1] in ARTICLES else word
        for i, word in enumerate(words)
    ]


ASKED_AFTER_MA = frozenset(
    {"هو", "هي", "هذا", "هذه", "هاد", "هادا", "هادي", "الذي", "التي", "اللي", "معنى", "المقصود",
     "المعنى", "اسم", "سبب", "نوع", "الفرق", "الهدف", "الغرض", "ذا", "ذلك", "تلك"}
)  # fmt: skip
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

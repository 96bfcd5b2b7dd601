"""Choice numbers in what people write: "2", "3 stp", "le troisième", "ikinci", "الثاني".

A number counts only when it clearly is a choice: alone, or with words that announce it
("le", "numéro", "je prends") or soften it ("svp", "merci", "lütfen"). "Une minute",
"2 personnes", "à 14 h" or a phone number are not choices.
"""

from __future__ import annotations

from core.understanding.normalising import bare
from core.understanding.thresholds import MAX_CHOICE

CARDINALS: dict[str, int] = {
    # French
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "deu": 2, "troi": 3, "katre": 4,
    # English
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "tree": 3,
    # Turkish
    "bir": 1, "iki": 2, "uc": 3, "dort": 4, "bes": 5, "alti": 6, "yedi": 7, "sekiz": 8,
    "dokuz": 9,
    # Arabic and darija
    "واحد": 1, "وحده": 1, "اثنين": 2, "اثنان": 2, "اتنين": 2, "زوج": 2, "جوج": 2, "ثلاثه": 3,
    "ثلاث": 3, "تلاته": 3, "ثلاثة": 3, "اربعه": 4, "اربع": 4, "خمسه": 5, "خمس": 5, "سته": 6,
    "سبعه": 7, "ثمانيه": 8, "تسعه": 9, "عشره": 10,
    "wahed": 1, "wa7ed": 1, "wahd": 1, "wa7d": 1, "jouj": 2, "zouj": 2, "joj": 2, "tnin": 2,
    "itnin": 2, "tlata": 3, "tleta": 3, "tlatha": 3, "reb3a": 4, "arba3a": 4, "khamsa": 5,
    "setta": 6, "sab3a": 7, "ربعه": 4, "ربعة": 4, "تلاتة": 3, "زوجه": 2, "خمسة": 5, "ستة": 6,
    "rb3a": 4, "rab3a": 4, "arb3a": 4, "rba3a": 4, "tlta": 3, "khmsa": 5, "khemsa": 5, "sta": 6,
}  # fmt: skip

ORDINALS: dict[str, int] = {
    # French
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "1re": 1, "deuxieme": 2, "second": 2,
    "seconde": 2, "2eme": 2, "2e": 2, "2em": 2, "troisieme": 3, "3eme": 3, "3e": 3, "3em": 3,
    "quatrieme": 4, "4eme": 4, "4e": 4, "cinquieme": 5, "5eme": 5, "5e": 5, "sixieme": 6,
    "6eme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9, "dixieme": 10, "deuxiem": 2,
    "troisiem": 3, "quatriem": 4, "deuxime": 2, "troisime": 3,
    # English
    "first": 1, "1st": 1, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
    "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    # Turkish
    "birinci": 1, "ilk": 1, "ikinci": 2, "ucuncu": 3, "dorduncu": 4, "besinci": 5,
    "altinci": 6, "yedinci": 7, "sekizinci": 8, "dokuzuncu": 9, "onuncu": 10,
    # Arabic and darija
    "الاول": 1, "الاولى": 1, "اول": 1, "الثاني": 2, "الثانيه": 2, "التاني": 2, "التانيه": 2,
    "ثاني": 2, "الثالث": 3, "الثالثه": 3, "التالت": 3, "التالته": 3, "ثالث": 3, "الرابع": 4,
    "الرابعه": 4, "الخامس": 5, "الخامسه": 5, "السادس": 6, "السابع": 7, "الثامن": 8,
    "التاسع": 9, "العاشر": 10, "رابع": 4, "خامس": 5, "سادس": 6, "سابع": 7, "ثامن": 8, "تاسع": 9,
    "عاشر": 10, "التامن": 8, "السادسه": 6, "السابعه": 7, "الثامنه": 8, "التاسعه": 9,
    "العاشره": 10, "ثالثه": 3, "رابعه": 4, "خامسه": 5, "سادسه": 6, "ثانيه": 2,
    "lowel": 1, "lwla": 1, "louwel": 1, "tani": 2, "tania": 2, "talet": 3, "talta": 3,
    "لول": 1, "اللول": 1, "لولى": 1, "اللولى": 1, "rab3": 4, "rabe3": 4, "khames": 5,
}  # fmt: skip

ANNOUNCERS = frozenset(
    {"le", "la", "l", "numero", "num", "no", "n", "nr", "nb", "choix", "option", "reponse",
     "je", "j", "prends", "prend", "veux", "voudrais", "choisis", "choisi", "mets", "pour",
     "c", "est", "ce", "sera", "alors", "ben", "euh", "bah", "bon", "moi", "plutot", "celui",
     "celle", "ci", "atelier", "en", "proposition", "ligne", "case", "heu", "hmm",
    "crois", "pense", "prendrai", "choisirai", "opte", "opterai", "retiens", "dirais", "dis",
    "de", "liste", "list", "of", "m", "interesse", "interests", "umm", "mmm", "euhh",
     "the", "number", "choice", "i", "ll", "take", "want", "pick", "choose", "go", "with",
     "id", "like", "it", "s", "is", "one", "please", "ok", "lets", "let", "line", "row",
    "item", "um", "uh", "think", "guess", "d", "would", "prefer",
     "numara", "numarali", "secenek", "sik", "istiyorum", "seciyorum", "sectim", "olsun",
     "tane", "sayi", "bence", "rakam", "cevap", "galiba", "sanirim", "secerim", "alayim",
     "alirim", "olan", "sira", "siradaki",
     "رقم", "الرقم", "اختار", "اريد", "بغيت", "نختار", "bghit", "nakhod", "nkhtar", "khtar",
     "raqm", "ra9m", "rqm", "r9m", "n3am", "hada", "hadi", "ana", "اختيار", "ال", "أريد",
     "ابغى", "نبغي", "اخترت", "ناخد", "اخذ", "الخيار", "الاختيار", "ديال", "dyal", "lwa7d",
     "اظن", "ربما"}
)  # fmt: skip
"""Words that may stand around a choice number without changing it into something else."""

SOFTENERS = frozenset(
    {"svp", "stp", "s", "il", "vous", "te", "plait", "merci", "beaucoup", "please", "pls",
     "thanks", "thank", "you", "lutfen", "tesekkurler", "sagol", "من", "فضلك", "شكرا", "afak",
     "3afak", "عفاك", "عافاك", "الله", "يخليك", "lah", "ykhlik", "khoya", "خويا", "allah",
     "choukran", "chokran", "shukran", "bien", "sur", "oui",
     "yes", "evet", "dir", "dur", "tir", "tur", "a", "ya"}
)  # fmt: skip

NOT_A_CHOICE_AFTER = frozenset(
    {"personnes", "personne", "enfants", "minutes", "minute", "heures", "heure", "h", "jours",
     "jour", "semaines", "mois", "ans", "euros", "people", "persons", "kids", "children",
     "hours", "days", "kisi", "cocuk", "saat", "gun", "dakika", "اشخاص", "ساعه", "ايام",
     "instant", "moment", "fois", "seconde", "sec", "min", "times"}
)  # fmt: skip
"""A number followed by these words counts something, it does not pick a choice."""

# Every word above is compared in its plain form (Arabic "ى" as "ي", "ة" as "ه", no hamza).
CARDINALS = {bare(word): value for word, value in CARDINALS.items()}
ORDINALS = {bare(word): value for word, value in ORDINALS.items()}
ANNOUNCERS = frozenset(bare(word) for word in ANNOUNCERS)
SOFTENERS = frozenset(bare(word) for word in SOFTENERS)
NOT_A_CHOICE_AFTER = frozenset(bare(word) for word in NOT_A_CHOICE_AFTER)


DARIJA_LATIN = frozenset(
    {"wahed", "wa7ed", "wahd", "wa7d", "jouj", "zouj", "joj", "tnin", "tlata", "tleta", "reb3a",
     "arba3a", "khamsa", "setta", "sab3a", "rb3a", "tlta", "khmsa", "khemsa", "talet", "talta",
     "tani", "tania", "khames", "rabe3", "rab3"}
)  # fmt: skip
"""Darija number words in Latin letters, which take the article "l" ("lkhamsa")."""

QUALIFIERS = frozenset(
    bare(word)
    for word in (
        "matin", "apres", "midi", "soir", "morning", "afternoon", "evening", "sabah", "ogleden",
        "sonra", "aksam", "الصباح", "صباح", "العشيه", "sbah", "l3chiya", "lundi", "mardi",
        "mercredi", "jeudi", "vendredi", "samedi", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "pazartesi", "sali", "carsamba", "persembe", "cuma", "cumartesi",
        "du", "olan", "olani", "ديال", "dyal", "one", "celui", "celle",
    )
)  # fmt: skip
"""Words that say which one beside an ordinal or a digit: "celui du mardi", "the morning one"."""

NOT_WORDS = frozenset(
    bare(word) for word in ("pas", "not", "non", "mashi", "machi", "ماشي", "ليس", "mich", "no")
)
AFTER_NOT = frozenset({"degil"})
CORRECTING = frozenset(
    bare(word)
    for word in (
        "voulais", "voulu", "dire", "meant", "mean", "typo", "sorry", "desole", "pardon",
        "erreur", "oups", "oops", "yanlislikla", "yazdim", "yanlis", "ghalat", "qsdt", "9sdt",
        "بغيت", "نقول", "قصدت", "خطا", "i", "je", "j", "ai", "tape", "typed", "wrote", "ecrit",
    )
)  # fmt: skip
"""Words of a correction: "je voulais pas dire 3, je voulais dire 4", "2 değil 3"."""


def _corrected(words: list[str]) -> int | None:
    """The number a correction means: the one of two that is not negated."""
    found = [(i, v) for i, w in enumerate(words) if (v := value_of(w)) is not None]
    if len(found) != 2 or found[0][1] == found[1][1]:
        return None
    if not all(words[i].isdigit() or words[i] in ORDINALS for i, _ in found):
        return None
    negated = [
        (i, v)
        for i, v in found
        if any(w in NOT_WORDS for w in words[max(0, i - 3) : i])
        or words[i + 1 : i + 2] == ["degil"]
    ]
    if len(negated) != 1:
        return None
    others = [w for i, w in enumerate(words) if i not in (found[0][0], found[1][0])]
    if not all(
        w in CORRECTING or w in NOT_WORDS or w in AFTER_NOT or w in ANNOUNCERS or w in SOFTENERS
        for w in others
    ):
        return None
    return next(v for i, v in found if (i, v) not in negated)


def value_of(word: str) -> int | None:
    """The number a single word names, if it names one that could be a choice."""
    if word.isdigit():
        return int(word) if len(word) <= 2 and 0 < int(word) <= MAX_CHOICE else None
    if word.endswith((".", ")")) and word[:-1].isdigit():
        return value_of(word[:-1])
    found = ORDINALS.get(word, CARDINALS.get(word))
    if found is None and word.startswith("l") and word[1:] in DARIJA_LATIN:
        found = ORDINALS.get(word[1:], CARDINALS.get(word[1:]))  # darija "lkhamsa", "ltalta"
    if found is None and word.isalpha():  # Turkish case endings: "ikincisi", "üçüncüyü"
        for ending in TURKISH_ENDINGS:
            stem = word.removesuffix(ending)
            if stem != word and (stem in ORDINALS or stem in ("iki", "uc", "dort", "bes")):
                return ORDINALS.get(stem, CARDINALS.get(stem))
    return found


TURKISH_ENDINGS = ("sini", "sunu", "sine", "si", "su", "ni", "nu", "yi", "yu", "ye", "ya", "i", "u")


def choice_number(words: list[str]) -> int | None:
    """The choice a message picks, when it clearly picks one and only one."""
    if not words or len(words) > 12:
        return None
    corrected = _corrected(words)
    if corrected is not None:
        return corrected
    if len([w for w in words if w not in SOFTENERS]) > 8:
        return None
    found: list[tuple[int, int]] = [
        (i, value) for i, word in enumerate(words) if (value := value_of(word)) is not None
    ]
    strong = [(i, v) for i, v in found if words[i].isdigit() or words[i] in ORDINALS]
    picks = strong or found
    if len({value for _, value in picks}) != 1:
        return None
    index, value = picks[0]
    if index + 1 < len(words) and words[index + 1] in NOT_A_CHOICE_AFTER:
        return None
    qualified = words[index] in ORDINALS or words[index].isdigit()
    for i, word in enumerate(words):
        if any(i == j for j, _ in found):
            continue
        if qualified and word in QUALIFIERS:
            continue  # "le troisième, celui du mardi", "beşinci olan, sabah olanı"
        if word not in ANNOUNCERS and word not in SOFTENERS:
            return None
    if len(words) > 1 and value == 1 and words[index] in ("un", "une", "bir", "one"):
        if index > 0 and words[index - 1] in ("le", "the", "l", "numero", "number"):
            return 1  # "euh le un", "the one"
        # "un" or "bir" with other words is an article more often than a choice
        announced = ("numero", "choix", "number", "numara", "option", "choice", "secenek")
        return 1 if any(w in announced for w in words) else None
    return value

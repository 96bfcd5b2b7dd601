"""What a yes is made of, and what looks like a yes without being one.

A yes confirms a booking or a cancellation, so it is read only from a yes word or phrase,
never from thanks, a goodbye, a message sent to the wrong chat or who comes along.
"""

from __future__ import annotations

from core.understanding.short_answers import THANKS as THANK_WORDS

THANKS = frozenset(
    {"merci", "beaucoup", "bien", "thanks", "thank", "you", "so", "much", "tesekkurler",
     "tesekkur", "ederim", "sagol", "sagolun", "شكرا", "جزيلا", "choukran", "chokran",
     "shukran", "baraka", "allah", "lah", "ykhlik", "bzaf", "mille", "fois", "a", "vous",
     "toi", "encore", "bcp", "tres", "very", "ok", "cok", "bravo", "super", "top", "nickel",
     "parfait", "cool", "great", "perfect", "harika", "ممتاز"}
)  # fmt: skip
"""A message made only of these words thanks; it is never consent."""
FAREWELLS = frozenset(
    {"bye", "goodbye", "revoir", "bientot", "gorusuruz", "hoscakal", "bslama", "السلامه",
     "journee", "soiree", "night", "nuit", "nharek", "nharak", "نهارك", "mabrouk", "mbrouk",
     "مبروك"}
)  # fmt: skip
"""A message that says goodbye does not consent to anything."""

MISSENT = (
    "meant for", "wrong person", "wrong number", "wrong chat", "ignore", "pas pour vous",
    "ignorez", "mauvais numero", "mauvaise personne", "trompe de", "yanlis kisi",
    "yanlis numara", "dikkate almayin", "ghalat", "machi lik", "ماشي ليك", "تجاهل",
)  # fmt: skip
"""A yes sent to the wrong chat, or to be ignored, is not consent."""

YES_WORDS = frozenset(
    {"oui", "ouais", "ouai", "ouep", "oue", "wi", "ui", "ok", "daccord", "dakor", "daccor",
     "dacc", "confirme", "confirmer", "confirmez", "confirmed", "confirm", "valide", "valider",
     "sur", "evidemment", "absolument", "exactement", "volontiers", "plaisir", "parfait",
     "carrement", "viens", "viendrai", "serai", "present", "presente", "partante", "partant",
     "entendu", "affirmatif", "si", "yes", "yeah", "yep", "yup",
     "sure", "course", "absolutely", "definitely", "fine", "alright", "right", "correct",
     "good", "great", "coming", "ahead", "evet", "evt", "tamam",
     "tamamdir", "olur", "tabii", "tabi", "elbette", "peki", "kesinlikle", "onayliyorum",
     "onayla", "onay", "uygun", "gelirim", "gelecegim", "geliyorum", "olacagim", "aynen",
     "نعم", "ايوه", "اه", "اكيد", "طبعا", "موافق", "حسنا", "تمام", "طيب", "اوكي",
     "واخا", "وخا", "ايه", "اؤكد", "تاكيد", "ساحضر", "ساكون", "نجي", "جاي", "wakha", "wakhha",
     "waxa", "iyeh", "eyh", "na3am", "n3am", "akid", "mzyan", "nji", "ghanji", "marche",
     "roule", "va", "convient", "بالتاكيد", "kaydet", "kaydedin", "anlastik",
     "dak", "sounds", "accord", "fait", "vas", "ouii", "oki", "okk", "k", "go",
     "acc", "yess", "okie", "dokie", "ya", "wah", "ih", "saha", "sahha", "reserve",
     "reservez", "prends",
     "works", "accepte", "accepter",
     "accept", "agree", "kabul", "katiliyorum", "memnuniyetle", "pleasure", "nkoun", "نكون",
     "اوك", "ايوا", "مزيان", "اوكد", "اقبل", "aye", "vi", "safi", "ewa", "iwa", "come"}
)  # fmt: skip
"""A yes is read only when one of these words is written: "ouistiti" or "okapi" are not."""

YES_PHRASES = (
    "c est bon", "tout bon", "be there", "pas de probleme", "pas de souci", "no problem", "why not",
    "sorun yok", "sorun degil", "ma kayn mouchkil", "bla mochkil", "بلا مشكل", "ماشي مشكل",
    "ما كاين مشكل", "no worries", "pourquoi pas", "c bon", "veux bien", "do it", "count me in",
    "book it",
    "machi mochkil", "machi mouchkil", "mashi mochkil",
)  # fmt: skip

COMING_ONLY = frozenset(
    {"viens", "viendrai", "serai", "coming", "come", "gelirim", "gelecegim", "geliyorum",
     "olacagim", "nji", "ghanji", "نجي", "جاي", "ساحضر", "ساكون", "nkoun", "نكون"}
)  # fmt: skip
COMPANY = frozenset({"avec", "with", "m3a", "مع", "ile", "beraber", "birlikte", "ensemble"})

AWAY = ("absen", "empech", "imprevu", "unable", "unavailable")
"""Words that say one will be away: never a yes, even beside "je serai"."""


def thanks_only(words: list[str]) -> bool:
    """'merci beaucoup', 'ok merci': thanks that close a talk ("ok" alone with praise is a yes)."""
    only = all(word in THANKS for word in words) and not {"oui", "yes"} & set(words)
    return only and ("ok" not in words or bool(THANK_WORDS & set(words)))


def says_farewell(words: list[str]) -> bool:
    """'bonne journée', 'bye', 'bslama'."""
    return bool(FAREWELLS & set(words))


def says_yes(words: list[str]) -> bool:
    """Whether a yes word or phrase is written."""
    text = f" {' '.join(words)} "
    return any(word in YES_WORDS for word in words) or any(
        f" {phrase} " in text for phrase in YES_PHRASES
    )


def not_for_us(words: list[str]) -> bool:
    """'sorry, wrong number', 'ignore that': sent to the wrong chat."""
    text = f" {' '.join(words)} "
    return any(f" {phrase}" in text for phrase in MISSENT)


def brings_company(words: list[str]) -> bool:
    """'je viendrai avec mes 2 enfants', 'eşimle geleceğim': who comes along, not a consent."""
    coming_only = not {w for w in words if w in YES_WORDS} - COMING_ONLY
    company = bool(COMPANY & set(words)) or any(
        len(w) > 4 and w.endswith(("imle", "imla", "iyle", "yla", "yle")) for w in words
    )
    return coming_only and company


def darija_not(words: list[str]) -> bool:
    """'ma b9itch', 'ma ghadich': darija "ma ... ch" around a verb."""
    return any(
        i > 0 and words[i - 1] in ("ma", "mat", "m") and word.endswith(("ch", "sh"))
        for i, word in enumerate(words)
    )


def away(words: list[str]) -> bool:
    """'je serai absente', 'un empêchement': one will be away."""
    return any(w.startswith(AWAY) for w in words)

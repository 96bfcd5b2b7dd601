"""Questions about one's data: "hal raqm hatifi mahmi ?", "telefon numaram ne icin
kullaniliyor", "comment supprimer mes données ?". They are answered by the privacy notice;
they never erase.
"""

from __future__ import annotations

from core.understanding.negation import asks, erases_personal

DATA_WORDS = (
    "donnee", "coordonnee", "data", "veri", "bilgi", "m3lomat", "ma3lomat", "بيانات",
    "معلومات", "معطيات", "البيانات", "المعلومات", "المعطيات", "privacy", "confidential",
    "vie privee", "gizlilik", "خصوصيه", "rgpd", "gdpr", "kvkk",
)  # fmt: skip
MY_NUMBER = (
    "mon numero", "mon numero de telephone", "my number", "my phone number", "my details",
    "numeram", "numaram", "telefon numaram", "numarami", "رقمي", "رقم هاتفي",
    "numero dyali", "ra9m dyali", "nimero dyali", "mes infos", "my info", "mon nom", "my name",
    "ismimi", "ismim", "adimi", "adim", "smiti", "اسمي", "سميتي",
)  # fmt: skip
HANDLING = (
    "garde", "conserv", "stock", "utilis", "sert", "fait", "voit", "voir", "partag", "vend",
    "protege", "securis", "keep", "store", "use", "share", "sell", "see", "protect", "safe",
    "saklan", "kullan", "paylas", "gor", "koru", "guvende", "satil", "تحتفظ", "تستعمل",
    "تستخدم", "يستخدم", "محمي", "محميه", "تشارك", "يشوف", "kat7tafdo", "katst3mlo",
    "ydir", "tdir", "dirtu", "supprim", "effac", "delete", "erase", "sil", "حذف", "مسح",
    "ms7", "nms7", "kaldir", "where", "go", "ou", "qui", "who", "kim", "شكون", "من", "تفعل",
    "تدير", "ديرو", "كديرو", "katdiro", "besoin", "need", "demand", "ask", "why", "pourquoi",
    "neden", "niye", "علاش", "لماذا", "3lach",
)  # fmt: skip


QUESTION_WORDS = frozenset(
    {"comment", "pourquoi", "quoi", "qui", "how", "why", "what", "who", "nasil", "neden", "ne",
     "kim", "nicin", "niye", "كيف", "لماذا", "شكون", "kifach", "3lach", "chkoun", "علاش",
     "ماذا", "اش", "شنو", "chno", "chnou", "wach", "هل"}
)  # fmt: skip
"""Question words anywhere in a message: "verilerimi nasil sildirebilirim"."""


ARABIC_MY_NUMBER = ("رقم هاتفي", "رقمي", "نمرتي", "النمره ديالي", "الرقم ديالي")


def asks_about_data(words: list[str], question_mark: bool) -> bool:
    """Whether the message asks what happens to the person's data (a question, no request)."""
    if not asks(words, question_mark) and not QUESTION_WORDS & set(words):
        return False
    text = f" {' '.join(words)} "
    about = (
        any(w.startswith(DATA_WORDS) for w in words)
        or any(f" {phrase} " in text for phrase in MY_NUMBER)
        or any(phrase in text for phrase in ARABIC_MY_NUMBER)  # "برقم هاتفي"
    )
    return (about and any(w.startswith(HANDLING) for w in words)) or (
        about and erases_personal(words)
    )

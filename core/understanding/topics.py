"""Workshop topics named in people's words: "le truc sur le CV", "the Canva one", "kodlama".

Read context-free (``atelier understand``): a message that names a topic of digital-literacy
workshops, with a word of wanting, learning or a workshop noun, asks for that workshop. In a
conversation the catalogue's own titles are matched first (``handlers.flows.browse``).
"""

from __future__ import annotations

TOPICS = (
    # French and English
    "smartphone", "telephone portable", "tablette", "tablet", "whatsapp", "watsap", "wathsap",
    "mail", "email", "courriel", "gmail", "messagerie", "cv", "curriculum", "emploi",
    "job search", "recherche d emploi", "canva", "site web",
    "site internet", "website", "web site", "creer un site", "coding", "codage",
    "programmation", "programming", "robotique", "robotics", "scratch", "coder", "visio",
    "video call", "appel video",
    "appels video", "zoom", "skype", "facetime", "photo", "photos", "arnaque", "scam",
    "securite", "safety", "safe online", "cyber", "mot de passe", "password", "caf", "ameli",
    "impot", "impots", "france connect", "franceconnect", "demarche", "administrati",
    "controle parental", "parental", "reseaux sociaux", "social media", "facebook",
    "instagram", "tiktok", "intelligence artificielle",
    "chatgpt", "banque en ligne", "online banking", "word", "excel", "traitement de texte",
    # Turkish
    "akilli telefon", "e posta", "eposta", "web sitesi", "kodlama", "robotik", "guvenlik",
    "dolandiricilik", "fotograf", "goruntulu", "sosyal medya", "ozgecmis", "is arama", "uygulama",
    "sifre", "e devlet", "edevlet",
    # Arabic and darija
    "الهاتف الذكي", "سمارتفون", "الواتساب", "واتساب", "الواتس", "البريد الالكتروني", "الايميل",
    "ايميل", "السيره الذاتيه", "سيفي", "البرمجه", "برمجه", "الروبوت", "موقع", "الصور", "تصاور",
    "مكالمه فيديو", "الفيديو", "الامان", "الاحتيال", "النصب", "فيسبوك", "التطبيقات", "تطبيقات",
    "كانفا", "telephone dyali", "tswira", "tsawer", "lcv",
    "روبوتيك", "الروبوتيك", "الكاف", "الاميلي", "اميلي", "الكنترول", "الوالدين", "الضرائب",
    "الفيسبوك", "البحث عن عمل", "appel video",
    "robotik", "robots", "taxes", "tax return", "declaration d impot", "vergi",
)  # fmt: skip
WANTING = (
    "atelier", "cours", "formation", "seance", "workshop", "class", "course", "lesson", "session",
    "training", "apprendre", "learn", "inscri", "sign", "book", "reserv", "truc", "celui", "celle",
    "one", "kurs", "atolye", "egitim", "ogren", "yazil", "kayit", "ورشه", "الورشه", "دوره",
    "الدوره", "درس", "الدرس", "نتعلم", "اتعلم", "تعلم", "nt3alem", "nt3lm", "t3lm", "nt3llem",
    "ndir", "ندير", "teach", "enseign", "ogret", "kat9r", "t9ri", "9raya", "تعلمو", "تدرسو",
    "تقريو", "katst3lm", "hazirla", "بغا", "يدير", "يتعلم", "bgha", "yt3lm", "comment", "how",
    "kifach", "كيفاش", "nasil", "faire", "ndir", "aide", "help", "yardim", "cherche", "need",
    "besoin", "want", "veux", "voudrais", "bghit", "بغيت", "nbghi", "quelque", "something",
    "haja", "حاجه", "avez", "have", "kayn", "كاين", "var", "kids", "children", "enfants",
    "cocuk", "drari", "الدراري", "ولادي", "wladi",
)  # fmt: skip


ARABIC_TOPICS = tuple(topic for topic in TOPICS if "\u0600" <= topic[0] <= "\u06ff")


def names_a_topic(words: list[str]) -> bool:
    """Whether the message names a workshop topic beside a word that asks for it."""
    text = f" {' '.join(words)} "
    named = any(f" {topic}" in text for topic in TOPICS) or any(
        topic in text
        for topic in ARABIC_TOPICS  # "والأميلي": a particle written on it
    )
    return named and any(word.startswith(WANTING) for word in words)

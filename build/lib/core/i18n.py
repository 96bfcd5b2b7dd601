"""One translation mechanism: gettext catalogs (.po, compiled in memory with Babel).

Messages are looked up by a stable key (``menu.welcome``); French is the reference catalog.
Placeholders are filled after translating, never inside the key. A message may have a
shorter variant for SMS, stored with the gettext context ``sms`` (``msgctxt "sms"``).
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
LANGUAGES = ("fr", "en", "ar", "tr")
RIGHT_TO_LEFT = frozenset({"ar"})
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية", "tr": "Türkçe"}
LATIN_LANGUAGE_NAMES = {"fr": "Francais", "en": "English", "ar": "Arabiya", "tr": "Turkce"}
"""Names in plain Latin letters, for SMS (GSM-7 has no Arabic letters)."""
FALLBACK = "fr"


def normalise_language(code: str | None, default: str = FALLBACK) -> str:
    """Map a language tag such as ``en-GB`` to one we speak, else ``default``."""
    if code:
        base = code.split("-")[0].split("_")[0].lower()
        if base in LANGUAGES:
            return base
    return default if default in LANGUAGES else FALLBACK


@cache
def catalog(language: str) -> gettext.GNUTranslations:
    """Load one language's catalog (once per process).

    A compiled ``.mo`` at least as new as its ``.po`` is used as it is (the container image
    compiles them with ``pybabel compile``); otherwise the ``.po`` is compiled in memory.
    """
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        buffer = BytesIO(mo_path.read_bytes())
    else:
        with po_path.open("rb") as handle:
            po = read_po(handle, locale=language)
        buffer = BytesIO()
        write_mo(buffer, po)
        buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    if language != FALLBACK:
        translations.add_fallback(catalog(FALLBACK))
    return translations


def catalog_keys(language: str) -> set[str]:
    """Every message key a catalog translates, variants as ``sms:key`` (for checks)."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    keys = set()
    for message in po:
        if not message.id or not message.string:
            continue
        key = str(message.id[0] if isinstance(message.id, tuple) else message.id)
        keys.add(f"{message.context}:{key}" if message.context else key)
    return keys


@cache
def _variant_keys(language: str) -> frozenset[str]:
    return frozenset(key for key in catalog_keys(language) if ":" in key)


class Translator:
    """Translate message keys into one language, preferring a channel's variants."""

    def __init__(self, language: str, variant: str | None = None) -> None:
        self.language = normalise_language(language)
        self.variant = variant
        self._catalog = catalog(self.language)
        self._variants = _variant_keys(self.language)

    def __call__(self, key: str, /, **values: object) -> str:
        """Translate ``key`` (its variant when there is one) and fill its placeholders."""
        if self.variant is not None and f"{self.variant}:{key}" in self._variants:
            text = self._catalog.pgettext(self.variant, key)
        else:
            text = self._catalog.gettext(key)
        return text.format(**self._isolated(values)) if values else text

    def _isolated(self, values: dict[str, object]) -> dict[str, object]:
        """In a right-to-left language, each inserted value (a French title, a date, an
        address) is isolated (U+2068 ... U+2069), so it reads in its own direction."""
        if self.language not in RIGHT_TO_LEFT:
            return values
        return {name: f"\u2068{value}\u2069" for name, value in values.items()}

    def plural(self, key: str, count: int, /, **values: object) -> str:
        """Translate a message that depends on a number (``{count}`` is filled in)."""
        text = self._catalog.ngettext(key, f"{key}.plural", count)
        return text.format(**self._isolated({"count": count, **values}))

"""One translation mechanism: gettext catalogs (.po, compiled in memory with Babel).

Messages are looked up by a stable key (``menu.welcome``); French is the reference catalog.
Placeholders are filled after translating, never inside the key.
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
LANGUAGES = ("fr", "en")
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
    """Load and compile one language's catalog (once per process)."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    if language != FALLBACK:
        translations.add_fallback(catalog(FALLBACK))
    return translations


def catalog_keys(language: str) -> set[str]:
    """Every message key a catalog translates (for completeness checks)."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    return {str(m.id[0] if isinstance(m.id, tuple) else m.id) for m in po if m.id and m.string}


class Translator:
    """Translate message keys into one language."""

    def __init__(self, language: str) -> None:
        self.language = normalise_language(language)
        self._catalog = catalog(self.language)

    def __call__(self, key: str, /, **values: object) -> str:
        """Translate ``key`` and fill its placeholders."""
        text = self._catalog.gettext(key)
        return text.format(**values) if values else text

    def plural(self, key: str, count: int, /, **values: object) -> str:
        """Translate a message that depends on a number (``{count}`` is filled in)."""
        text = self._catalog.ngettext(key, f"{key}.plural", count)
        return text.format(count=count, **values)

"""One catalog per language, complete, and no user-facing text outside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.i18n import LANGUAGES, Translator, catalog_keys, normalise_language

ROOT = Path(__file__).parents[2]
KEY = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
TEMPLATE_KEY = re.compile(r"""\btn?\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
"""A key passed to the dashboard's ``t()`` or ``tn()`` in a template."""


def keys_used_in_code() -> set[str]:
    """Every literal message key passed to a translator or a choice in the code."""
    used: set[str] = set()
    for path in [
        *ROOT.glob("handlers/*.py"),
        *ROOT.glob("handlers/voice/*.py"),
        *ROOT.glob("bot/**/*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                if KEY.match(value) and value.split(".")[0] in {
                    "menu", "browse", "session", "button", "book", "mine", "cancel", "offer",
                    "error", "format", "console", "audience", "calendar", "change", "reminder",
                    "explain", "optout", "language", "privacy", "command", "broadcast",
                    "organiser", "dashboard", "voice",
                }:  # fmt: skip
                    used.add(value)
    return used | keys_used_in_templates()


def keys_used_in_templates() -> set[str]:
    """Every literal message key the dashboard's templates translate."""
    return {
        key
        for path in ROOT.glob("bot/web/templates/*.html")
        for key in TEMPLATE_KEY.findall(path.read_text())
    }


def test_catalogs_have_the_same_keys() -> None:
    french = catalog_keys("fr")
    for language in LANGUAGES:
        assert catalog_keys(language) == french, language


def test_every_key_in_the_code_is_translated() -> None:
    missing = {key for key in keys_used_in_code() if key not in catalog_keys("fr")}
    # Error keys come from class attributes; audiences are built from their names.
    assert not missing


def test_error_keys_are_translated() -> None:
    from core import errors

    keys = {
        cls.key
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.BookingError)
    }
    assert keys <= catalog_keys("fr")


def test_audience_names_are_translated() -> None:
    from core.seats.catalog import AUDIENCES

    assert {f"audience.{a}" for a in AUDIENCES} <= catalog_keys("en")


def test_french_first_english_beside() -> None:
    assert Translator("fr")("button.my_bookings").endswith("Mes inscriptions")
    assert Translator("en")("button.my_bookings").endswith("My bookings")
    assert normalise_language("en-GB") == "en"
    assert normalise_language("de") == "fr"
    assert normalise_language(None, "en") == "en"


def test_plurals() -> None:
    french = Translator("fr")
    assert french.plural("format.seats.left", 1) == "1 place libre"
    assert french.plural("format.seats.left", 4) == "4 places libres"
    assert Translator("en").plural("format.seats.left", 1) == "1 seat left"


def test_compiled_catalogs_say_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The container image compiles .mo files; they must read like the .po sources."""
    import shutil
    import subprocess
    import sys

    from core import i18n

    expected = {
        (language, variant): Translator(language, variant)("menu.prompt")
        for language in LANGUAGES
        for variant in (None, "sms")
    }
    shutil.copytree(i18n.LOCALES_DIR, tmp_path / "locales")
    pybabel = Path(sys.executable).with_name("pybabel")
    compiled = subprocess.run(
        [str(pybabel), "compile", "-d", str(tmp_path / "locales"), "-D", "messages"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stderr
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "locales")
    i18n.catalog.cache_clear()
    try:
        for (language, variant), text in expected.items():
            assert Translator(language, variant)("menu.prompt") == text
        assert (tmp_path / "locales" / "fr" / "LC_MESSAGES" / "messages.mo").exists()
    finally:
        monkeypatch.undo()
        i18n.catalog.cache_clear()


def test_the_dashboard_templates_are_seen() -> None:
    keys = keys_used_in_templates()
    assert {"dashboard.nav.sessions", "dashboard.login.too_many", "dashboard.cancel.yes"} <= keys
    assert len(keys) > 150


def test_the_dashboard_names_every_code_it_shows() -> None:
    """Codes turned into keys at run time (statuses, field errors...) are all translated."""
    from bot.web.forms import FIELD_ERRORS
    from core.seats.catalog import AUDIENCES
    from models import BookingStatus

    french = catalog_keys("fr")
    dynamic = {
        *(f"dashboard.status.{status}" for status in BookingStatus),
        *(f"dashboard.field.{code}" for code in FIELD_ERRORS),
        *(f"dashboard.audience.{audience}" for audience in AUDIENCES),
        *(f"dashboard.import.{problem}" for problem in ("no_file", "too_big")),
        *(
            f"dashboard.error_page.title.{name}"
            for name in ("forbidden", "not_found", "not_allowed", "not_ready", "too_big")
        ),
        "dashboard.error_page.title.too_many",
        "dashboard.error_page.title.other",
    }
    assert dynamic <= french, dynamic - french


def test_no_french_left_in_the_dashboard_templates() -> None:
    """Words people read come from the catalogs: no accented French in a template."""
    accented = re.compile(r"[àâçéèêëîïôûùüÿœÀÉÈ]")
    found = {
        path.name: accented.findall(path.read_text())
        for path in ROOT.glob("bot/web/templates/*.html")
        if accented.search(path.read_text())
    }
    assert not found

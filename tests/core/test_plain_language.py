"""Plain French (FALC): short sentences, short messages, no jargon, no abbreviations."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from core.i18n import LOCALES_DIR

MAX_WORDS = 15
MAX_CHARS = 600
JARGON = re.compile(r"\b(booker|ID|id|cf|etc|svp|rdv|RDV|mdp|OK)\b")


def french_messages() -> dict[str, str]:
    """Every French message (variants as ``sms:key``), plural forms joined."""
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    messages: dict[str, str] = {}
    for message in catalog:
        if not message.id or str(message.id).startswith("format."):
            continue  # date patterns and word pieces are not sentences
        key = str(message.id[0] if isinstance(message.id, tuple) else message.id)
        text = message.string if isinstance(message.string, str) else " ".join(message.string)
        messages[f"{message.context}:{key}" if message.context else key] = text
    return messages


def sentences(text: str) -> list[str]:
    """Sentences and lines: a line break ends a sentence as a full stop does."""
    parts = re.split(r"(?<=[.!?:])\s+|\n+", text)
    return [part.strip() for part in parts if part.strip()]


def words(sentence: str) -> list[str]:
    """Words, a placeholder such as {title} counting as one."""
    return [w for w in re.split(r"\s+", sentence) if re.search(r"\w|\{", w)]


def test_sentences_have_at_most_fifteen_words() -> None:
    long = {
        key: sentence
        for key, text in french_messages().items()
        for sentence in sentences(text)
        if len(words(sentence)) > MAX_WORDS
    }
    assert not long, long


def test_messages_are_short() -> None:
    too_long = {key: len(text) for key, text in french_messages().items() if len(text) > MAX_CHARS}
    assert not too_long


def test_no_jargon_and_no_abbreviations() -> None:
    found = {
        key: JARGON.findall(text) for key, text in french_messages().items() if JARGON.search(text)
    }
    assert not found


DASHBOARD_TEMPLATES = Path(__file__).parents[2] / "bot" / "web" / "templates"
MESSAGE_CALL = re.compile(r"""\{\{[^}]*?\btn?\(\s*["']([\w.]+)["'][^}]*\}\}""")
BLOCK_TAGS = re.compile(
    r"</?(p|li|div|h\d|td|th|tr|label|option|button|ul|ol|dt|dd|form|nav)\b[^>]*>"
)


def dashboard_text(template: str, messages: dict[str, str]) -> str:
    """What a template's page says in French: each message in place, every other value
    one word, markup gone; a block element or a template tag ends a line."""
    text = MESSAGE_CALL.sub(lambda found: f" {messages.get(found.group(1), 'X')} ", template)
    text = re.sub(r"\{\{.*?\}\}", " X ", text, flags=re.S)
    text = re.sub(r"\{[%#].*?[%#]\}", "\n", text, flags=re.S)
    text = BLOCK_TAGS.sub("\n", text)
    return re.sub(r"<[^>]+>", " ", text)


def page_sentences(text: str) -> list[str]:
    """Sentences as a reader takes them: a colon does not end one (a full stop, a question
    or an exclamation mark and a line break do)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [part.strip() for part in parts if part.strip()]


def test_dashboard_pages_have_sentences_of_at_most_fifteen_words() -> None:
    """The organisers' pages read as the bot does (partner volunteers are not all at ease
    with screens): each page's French, messages put together as the page shows them."""
    messages = french_messages()
    long = {
        f"{path.name}: {sentence}"
        for path in sorted(DASHBOARD_TEMPLATES.glob("*.html"))
        for sentence in page_sentences(dashboard_text(path.read_text(), messages))
        if len(words(sentence)) > MAX_WORDS
    }
    assert not long, long


def test_dashboard_messages_have_sentences_of_at_most_fifteen_words() -> None:
    """The dashboard's messages too (flashes, errors), a colon not ending a sentence."""
    long = {
        key: sentence
        for key, text in french_messages().items()
        if key.startswith(("dashboard.", "import."))
        for sentence in page_sentences(text)
        if len(words(sentence)) > MAX_WORDS
    }
    assert not long, long

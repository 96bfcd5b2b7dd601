"""Lines of a message written like an e-mail or a form: a subject line ("Objet : annulation",
"Konu: İptal", "الموضوع: إلغاء") names what the body is about, it asks nothing by itself;
a form's fields ("Nom : Kaya", "Nombre de personnes : 1") give values, none of them a
choice picked from a list unless its label says so ("Choix : 2").
"""

from __future__ import annotations

import re

from core.understanding import word_lists
from core.understanding.normalising import bare

SUBJECT_LABELS = word_lists.word_set("subject_label")
"""The label of an e-mail's subject line: "Objet", "Subject", "Re", "Konu", "الموضوع"."""
CHOICE_LABELS = word_lists.word_set("choice_label")
"""The whole label of a field that holds a choice: "Choix", "Numéro", "Seçim", "الاختيار"."""

_FIELD = re.compile(r"^\s*([^\W\d_][^:\n]{0,40}?)\s*:[ \t]*(\S[^\n]*)$", re.MULTILINE)
"""A line "label : value", the label opening with a letter."""
LABEL_WORDS = 4
"""A field's label is short: "Nom", "Nombre de personnes", "Kişi sayısı"."""
FORM_FIELDS = 2
"""Two fields or more, each on its own line: a form."""


def _fields(text: str) -> list[tuple[str, str]]:
    """The message's "label : value" lines, as (plain label, value)."""
    return [
        (bare(label), value)
        for label, value in _FIELD.findall(text)
        if len(label.split()) <= LABEL_WORDS
    ]


def without_subject(text: str) -> str:
    """The message without its subject lines ("Objet : annulation"), when a body is left."""
    kept = [
        line
        for line in text.splitlines()
        if not any(label in SUBJECT_LABELS for label, _ in _fields(line))
    ]
    body = "\n".join(kept).strip()
    return body or text


def is_form(text: str) -> bool:
    """Whether the message is filled in like a form: two lines or more "label : value"."""
    return len(_fields(text)) >= FORM_FIELDS


def counts_in_a_form(text: str) -> bool:
    """A form none of whose fields holds a choice ("Nom : Kaya / Nombre de personnes : 1"):
    its numbers are counts or values; "Nom : Zeroual / Choix : 2" picks the second."""
    return is_form(text) and not any(label in CHOICE_LABELS for label, _ in _fields(text))

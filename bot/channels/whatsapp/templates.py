"""The approved "utility" templates the bot sends outside the 24-hour window.

Each template is written once in the catalogs (``whatsapp.template.*``, named values such
as ``{title}``) and becomes, per language, the JSON that Meta's template API takes
(``POST /{WABA_ID}/message_templates``), with ``{{1}}``, ``{{2}}``... in its body, examples,
and its quick-reply buttons; a notice is sent as a ``template`` message filling them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp import limits
from core.dialog import Notice
from core.i18n import LANGUAGES, Translator

PREFIX = "atelier_"


@dataclass(frozen=True, slots=True)
class Template:
    """One template: its catalog text, the names of its values, its buttons' labels."""

    name: str
    values: tuple[str, ...]
    buttons: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    @property
    def meta_name(self) -> str:
        """The name the template is submitted under."""
        return PREFIX + self.name

    @property
    def key(self) -> str:
        """The catalog key of its body."""
        return f"whatsapp.template.{self.name}"


_WORKSHOP = "Prendre en main son smartphone"
_WHEN = "mercredi 6 janvier à 14 h"
_PLACE = "Boutique Orange Metz, 57000 Metz"

TEMPLATES = {
    template.name: template
    for template in (
        Template(
            "reminder",
            ("title", "when", "venue"),
            ("whatsapp.button.there", "whatsapp.button.cancel_seat"),
            (_WORKSHOP, _WHEN, _PLACE),
        ),
        Template(
            "offer",
            ("title", "when", "until"),
            ("whatsapp.button.offer_accept", "whatsapp.button.offer_decline"),
            (_WORKSHOP, _WHEN, "lundi 4 janvier à 16 h"),
        ),
        Template(
            "moved",
            ("title", "when", "venue"),
            ("whatsapp.button.cancel_seat",),
            (_WORKSHOP, _WHEN, _PLACE),
        ),
        Template("cancelled", ("title", "when"), (), (_WORKSHOP, _WHEN)),
        Template("offer_expired", ("title",), (), (_WORKSHOP,)),
        Template("seat_cancelled", ("name", "title", "when"), (), ("Marie", _WORKSHOP, _WHEN)),
        Template("booked_for_you", ("name", "title", "when"), (), ("Karim", _WORKSHOP, _WHEN)),
        Template(
            "message", ("title", "text"), (), (_WORKSHOP, "Pensez à apporter votre téléphone.")
        ),
    )
}
"""Every template the bot uses, by the name a :class:`~core.dialog.Notice` gives."""

META_LANGUAGES = {"fr": "fr", "en": "en", "ar": "ar", "tr": "tr"}
"""Meta's codes for the bot's languages (``en`` is Meta's plain English)."""


def _body(template: Template, t: Translator) -> str:
    """The body with ``{{1}}``, ``{{2}}``... where the values go."""
    positions = {name: f"{{{{{index}}}}}" for index, name in enumerate(template.values, 1)}
    return t(template.key, **positions)


def definition(template: Template, language: str) -> dict[str, Any]:
    """The JSON to submit to Meta for ``template`` in ``language``."""
    t = Translator(language)
    components: list[dict[str, Any]] = [
        {
            "type": "BODY",
            "text": _body(template, t),
            "example": {"body_text": [list(template.examples)]},
        }
    ]
    if template.buttons:
        components.append(
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "QUICK_REPLY", "text": t(key)[: limits.TEMPLATE_QUICK_REPLY]}
                    for key in template.buttons
                ],
            }
        )
    return {
        "name": template.meta_name,
        "language": META_LANGUAGES[language],
        "category": "UTILITY",
        "parameter_format": "POSITIONAL",
        "components": components,
    }


def all_definitions() -> list[dict[str, Any]]:
    """Every template in every language, as Meta's template API takes them."""
    return [definition(template, lang) for template in TEMPLATES.values() for lang in LANGUAGES]


def value_text(value: str, room: int = 700) -> str:
    """A value as Meta takes it: no new line or tab, never four spaces in a row (132018)."""
    flat = re.sub(r"\s+", " ", value).strip()
    return flat if len(flat) <= room else flat[: room - 1].rstrip() + "\u2026"


def message(notice: Notice, language: str) -> dict[str, Any] | None:
    """The ``template`` message for ``notice`` (None when no template says it)."""
    template = TEMPLATES.get(notice.template)
    if template is None or len(notice.values) != len(template.values):
        return None
    components: list[dict[str, Any]] = [
        {
            "type": "body",
            "parameters": [{"type": "text", "text": value_text(v) or "-"} for v in notice.values],
        }
    ]
    for index, data in enumerate(notice.buttons[: len(template.buttons)]):
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": data}],
            }
        )
    return {
        "type": "template",
        "template": {
            "name": template.meta_name,
            "language": {"code": META_LANGUAGES.get(language, "fr")},
            "components": components,
        },
    }

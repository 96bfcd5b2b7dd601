"""Jinja2 templates (autoescaped), their filters, and the shared page context."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel.numbers import format_currency
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.web.logins import organiser_scope
from bot.web.state import base_path, context_of, csrf_token, logged_in, take_flashes
from bot.web.text import bidi_safe
from core.formatting import duration_in_words, when_in_words
from core.i18n import Translator

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGE = "fr"


@functools.cache
def french() -> Translator:
    """The bot's French wording of dates and durations."""
    return Translator(LANGUAGE)


@jinja2.pass_context
def _when(context: jinja2.runtime.Context, moment: datetime) -> str:
    """'mercredi 6 janvier à 14 h'."""
    return when_in_words(moment, _zone(context), french())


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, moment: datetime) -> str:
    """'06/01/2027'."""
    return moment.astimezone(_zone(context)).strftime("%d/%m/%Y")


@jinja2.pass_context
def _clock_time(context: jinja2.runtime.Context, moment: datetime) -> str:
    """'14:00'."""
    return moment.astimezone(_zone(context)).strftime("%H:%M")


def _zone(context: jinja2.runtime.Context) -> ZoneInfo:
    return context_of(context["request"]).settings.zone


def _duration(minutes: int) -> str:
    return duration_in_words(minutes, french())


def _percent(ratio: float | None) -> str:
    """'62 %' (French spacing), or a dash when there is nothing to divide."""
    return "\u2013" if ratio is None else f"{round(ratio * 100)}\u00a0%"


def t(key: str, /, **values: object) -> str:
    """The French text of a message key (the dashboard speaks French)."""
    return french()(key, **values)


def tn(key: str, count: int, /, **values: object) -> str:
    """The French text of a message that depends on ``count``."""
    return french().plural(key, count, **values)


def _named(prefix: str, code: str) -> str:
    """The name of a code (``dashboard.kind.reminder``), else the code itself."""
    key = f"dashboard.{prefix}.{code}"
    text = t(key)
    return code if text == key else text


def audience_name(code: str) -> str:
    """'Tout public' for "tous"."""
    return _named("audience", code)


def channel_name(code: str) -> str:
    """'Sur place' for "walkin"."""
    return _named("channel", code)


def kind_name(code: str) -> str:
    """'Rappel' for "reminder"."""
    return _named("kind", code)


def flash_text(message: dict[str, Any]) -> str:
    """A flash message in French: its key, filled with its values."""
    return t(str(message.get("code", "")), **dict(message.get("params") or {}))


def _age(seconds: float) -> str:
    """'3 minutes', '2 heures', '1 jour': how long a message has been waiting."""
    minutes = int(seconds // 60)
    if minutes < 60:
        return tn("format.duration.minutes", minutes)
    if minutes < 48 * 60:
        return tn("format.duration.hours", minutes // 60)
    return tn("dashboard.age.days", minutes // (24 * 60))


def _money(amount: float) -> str:
    """'1,23 €'."""
    return format_currency(amount, "EUR", locale=LANGUAGE)


def _finalize(value: object) -> object:
    """Every value shown loses bidirectional overrides (a name cannot reverse a line)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return bidi_safe(value)
    return value


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters.update(
        when=_when,
        day=_day,
        clock_time=_clock_time,
        duration=_duration,
        percent=_percent,
        bidi_safe=bidi_safe,
        age=_age,
        money=_money,
    )
    env.globals.update(
        t=t,
        tn=tn,
        flash_text=flash_text,
        audience_name=audience_name,
        channel_name=channel_name,
        kind_name=kind_name,
        same=str,
    )
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render a page with what every page needs (mount path, CSRF token, messages)."""
    values: dict[str, Any] = {
        "base": base_path(request),
        "csrf_token": csrf_token(request),
        "flashes": take_flashes(request),
        "logged_in": logged_in(request),
        "network": organiser_scope(request).everything,
    }
    values.update(context or {})
    return templates.TemplateResponse(request, name, values, status_code, headers)


def error_page(
    request: Request, status_code: int, headers: dict[str, str] | None = None
) -> Response:
    """A plain page saying what went wrong (403, 404, 429...)."""
    return render(request, "error_page.html", {"status": status_code}, status_code, headers)

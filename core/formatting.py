"""Dates, durations and seats in words, in the person's language and time zone."""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock_time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from core.i18n import Translator


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Convert a UTC moment to local time."""
    return moment.astimezone(zone)


FORMATTED = 1024
"""Days and times kept in words (a list shows the same few sessions again and again)."""


@lru_cache(maxsize=FORMATTED)
def _day(day: date, pattern: str, language: str) -> str:
    return format_date(day, pattern, locale=language)


@lru_cache(maxsize=FORMATTED)
def _time(at: clock_time, pattern: str, language: str) -> str:
    return format_time(at, pattern, locale=language)


def day_in_words(moment: datetime, zone: ZoneInfo, t: Translator) -> str:
    """'mercredi 6 janvier' (each day written out once per pattern and language)."""
    return _day(local(moment, zone).date(), t("format.day"), t.language)


def time_in_words(moment: datetime, zone: ZoneInfo, t: Translator) -> str:
    """'14 h', '14 h 30'."""
    at = local(moment, zone)
    pattern = t("format.time.hour") if at.minute == 0 else t("format.time.hour_minutes")
    return _time(at.time(), pattern, t.language)


def when_in_words(moment: datetime, zone: ZoneInfo, t: Translator) -> str:
    """'mercredi 6 janvier à 14 h'."""
    return t(
        "format.day_at_time",
        day=day_in_words(moment, zone, t),
        time=time_in_words(moment, zone, t),
    )


def duration_in_words(minutes: int, t: Translator) -> str:
    """'2 heures', '1 heure et 30 minutes', '45 minutes'."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return t(
            "format.duration.both",
            hours=t.plural("format.duration.hours", hours),
            minutes=t.plural("format.duration.minutes", rest),
        )
    if hours:
        return t.plural("format.duration.hours", hours)
    return t.plural("format.duration.minutes", rest)


def seats_in_words(seats_left: int, t: Translator) -> str:
    """'4 places', '1 place', 'complet'."""
    if seats_left <= 0:
        return t("format.seats.full")
    return t.plural("format.seats.left", seats_left)


def in_sentence(text: str) -> str:
    """An organiser's text as the middle of a sentence that brings its own full stop:
    "Votre téléphone, chargé." read in "À apporter : {bring}." ends with one stop, not two."""
    return text.strip().rstrip(".").rstrip()

"""Reading the session form: French error codes per field, then ``SessionFields``.

The limits are :mod:`core.seats.field_limits`', the importer's and the services' own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from core.schedule.importer import parse_local_start
from core.seats.catalog import AUDIENCES
from core.seats.field_limits import (
    CAPACITY,
    DURATION_MINUTES,
    TEXT_LIMITS,
    NumberRange,
    one_line_end,
    text_problem,
)
from core.seats.organiser import SessionFields

TEXT_FIELDS = ("title", "description", "audience", "venue", "address", "bring", "access")
FIELD_ERRORS = (
    "required",
    "not_a_number",
    "out_of_range",
    "too_long",
    "control_character",
    "unknown_audience",
    "bad_date",
    "below_taken",
)
"""Codes of what can be wrong with a field (each names ``dashboard.field.<code>``)."""


@dataclass(slots=True)
class SessionForm:
    """What was typed (to show it again) and what is wrong with it, field by field."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def empty(cls, **values: str) -> SessionForm:
        """A blank form, with a few fields filled in."""
        blank = dict.fromkeys((*TEXT_FIELDS, "date", "time", "duration_minutes", "capacity"), "")
        blank.update({"audience": "tous", "duration_minutes": "120", "capacity": "8"})
        blank.update(values)
        return cls(blank)

    @classmethod
    def read(cls, form: FormData) -> SessionForm:
        """The form as posted."""
        names = (*TEXT_FIELDS, "date", "time", "duration_minutes", "capacity")
        return cls({name: one_line_end(str(form.get(name, ""))).strip() for name in names})

    def _number(self, name: str, bounds: NumberRange) -> int:
        try:
            number = int(self.values[name])
        except ValueError:
            self.errors[name] = "not_a_number"
            return bounds.low
        if not bounds.holds(number):
            self.errors[name] = "out_of_range"
        return number

    def start(self, zone: ZoneInfo) -> datetime | None:
        """The start as typed (local date and time), in UTC; None with an error if unreadable."""
        try:
            return parse_local_start(f"{self.values['date']}T{self.values['time']}", zone)
        except ValueError:
            self.errors["date"] = "bad_date"
            return None

    def fields(self, starts_at: datetime | None) -> SessionFields | None:
        """The checked fields, or None when anything is wrong (see ``errors``).

        ``starts_at`` is None when the date could not be read (its error is recorded).
        """
        for name in TEXT_LIMITS:
            problem = text_problem(name, self.values[name])
            if problem is not None:
                self.errors[name] = problem
        if self.values["audience"] not in AUDIENCES:
            self.errors["audience"] = "unknown_audience"
        duration = self._number("duration_minutes", DURATION_MINUTES)
        capacity = self._number("capacity", CAPACITY)
        if self.errors or starts_at is None:
            return None
        return SessionFields(
            title=self.values["title"],
            starts_at=starts_at,
            duration_minutes=duration,
            capacity=capacity,
            venue=self.values["venue"],
            address=self.values["address"],
            description=self.values["description"],
            audience=self.values["audience"],
            bring=self.values["bring"],
            access=self.values["access"],
        )

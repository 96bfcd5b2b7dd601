"""What a flow step receives: the database transaction, the person, their state, the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.dialog import Choice, Intent
from bot.i18n import Translator
from models import Person


@dataclass(slots=True)
class Flow:
    """One step of a conversation, inside one database transaction."""

    db: AsyncSession
    person: Person
    state: dict[str, Any]
    t: Translator
    settings: Settings
    now: datetime
    first_contact: bool = False

    def choice(self, key: str, data: str, intent: Intent | None = None, **values: object) -> Choice:
        """A translated choice."""
        return Choice(self.t(key, **values), data, intent)

    def menu_row(self) -> tuple[Choice, ...]:
        """The way back to the menu that every screen offers."""
        return (self.choice("button.menu", "menu", Intent.MENU),)

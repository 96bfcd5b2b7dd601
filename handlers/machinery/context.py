"""What a flow step receives: the database transaction, the person, their state, the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.dialog import SMS, Choice, Intent, Reply
from core.i18n import Translator
from handlers.machinery.choices import Menu
from handlers.machinery.state import ConversationState, remember
from models import Conversation, Person
from models.inserts import insert_ignore


@dataclass(slots=True)
class Flow:
    """One step of a conversation, inside one database transaction."""

    db: AsyncSession
    person: Person
    state: ConversationState
    t: Translator
    settings: Settings
    now: datetime
    first_contact: bool = False

    @property
    def compact(self) -> bool:
        """Whether the person reads short texts with numbered choices (SMS)."""
        return self.t.variant == SMS

    def choice(self, key: str, data: str, intent: Intent | None = None, **values: object) -> Choice:
        """A translated choice."""
        return Choice(self.t(key, **values), data, intent)

    def menu_row(self) -> tuple[Choice, ...]:
        """The way back to the menu that every screen offers."""
        return (self.choice("button.menu", Menu().pack(), Intent.MENU),)


ANSWERING = timedelta(minutes=10)
"""A question shown this recently is still being answered; a notice does not replace it."""


async def remember_choices(
    session: AsyncSession, person: Person, reply: Reply, now: datetime
) -> None:
    """A notice's choices become the ones a written answer picks, unless the person is
    answering a yes/no question shown moments ago: "annuler", a reminder, then "oui" still
    confirms the cancel."""
    query = select(Conversation).where(Conversation.person_id == person.id).with_for_update()
    conversation = (await session.execute(query)).scalar_one_or_none()
    if conversation is None:
        state = remember(ConversationState(), [reply]).to_json()
        values = {"person_id": person.id, "state": state, "updated_at": now}
        if await insert_ignore(session, Conversation, values):
            return
        # the person's own turn added the row meanwhile: remembered over it, as below
        conversation = (await session.execute(query)).scalar_one()
    stored = ConversationState.from_json(conversation.state)
    answering = conversation.updated_at is not None and now - conversation.updated_at < ANSWERING
    if answering and stored.asks_yes_no():
        return
    conversation.state = remember(stored, [reply]).to_json()
    conversation.updated_at = now

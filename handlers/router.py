"""The conversation engine: one incoming event in, replies out, state kept in the database.

Each event is handled in one transaction: the update is recorded (a redelivery changes
nothing), the person and their conversation row are locked, the flow step runs, and the
new state is saved. Replies are returned to the channel, which sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot import metrics
from bot.clock import Clock
from bot.config import Settings
from bot.dialog import Incoming, Intent, Kind, Reply, reply_to_payload, text_variant
from bot.i18n import Translator, normalise_language
from bot.intents import TextIntent, command_of, intent_of, number_of, opt_out_of
from bot.outbox import REPLY, enqueue
from bot.people import find_person, get_or_create_person
from bot.privacy import is_erased
from handlers import actions, book, browse, cancel, menu, offers, organiser, presence, privacy
from handlers.context import Flow, remember
from models import Conversation, Database, Person, ProcessedUpdate
from models.inserts import insert_ignore

log = logging.getLogger(__name__)

Step = Callable[[Flow, actions.Action], Awaitable[Reply]]


async def _list(flow: Flow, action: actions.Action) -> Reply:
    return await browse.session_list(flow, action.number, action.audience)


STEPS: dict[str, Step] = {
    actions.MENU: lambda flow, _: _sync(menu.main_menu(flow)),
    actions.HELP: lambda flow, _: _sync(menu.help_screen(flow)),
    actions.KEEP: lambda flow, _: _sync(menu.kept(flow)),
    actions.LIST: _list,
    actions.AUDIENCE: lambda flow, _: browse.audience_filter(flow),
    actions.SESSION: lambda flow, a: browse.session_card(flow, a.number),
    actions.BOOK: lambda flow, a: book.ask(flow, a.number),
    actions.CONFIRM: lambda flow, a: book.confirm(flow, a.number),
    actions.WAIT: lambda flow, a: book.join_line(flow, a.number),
    actions.MINE: lambda flow, _: cancel.my_bookings(flow),
    actions.CANCEL_ASK: lambda flow, a: cancel.ask(flow, a.number),
    actions.CANCEL_CONFIRM: lambda flow, a: cancel.confirm(flow, a.number),
    actions.OFFER_ACCEPT: lambda flow, a: offers.accept(flow, a.number),
    actions.OFFER_DECLINE: lambda flow, a: offers.decline(flow, a.number),
    actions.THERE: lambda flow, a: presence.there(flow, a.number),
    actions.PRIVACY: lambda flow, _: _sync(privacy.notice(flow)),
    actions.FORGET: lambda flow, _: _sync(privacy.ask(flow)),
    actions.FORGET_CONFIRM: lambda flow, _: privacy.forget(flow),
    actions.ADMIN: lambda flow, _: organiser.home(flow),
    actions.ADMIN_SESSION: lambda flow, a: organiser.session_screen(flow, a.number),
    actions.ADMIN_ROSTER: lambda flow, a: organiser.roster(flow, a.number),
    actions.ADMIN_PRESENT: lambda flow, a: organiser.attendance(flow, a.number, True),
    actions.ADMIN_ABSENT: lambda flow, a: organiser.attendance(flow, a.number, False),
    actions.ADMIN_WALK_IN: lambda flow, a: _sync(
        organiser.ask(flow, "walk_in_name", a.number, "organiser.walk_in_name")
    ),
    actions.ADMIN_MESSAGE: lambda flow, a: _sync(
        organiser.ask(flow, "message", a.number, "organiser.message_prompt")
    ),
    actions.ADMIN_MOVE: lambda flow, a: _sync(
        organiser.ask(flow, "move", a.number, "organiser.move_prompt")
    ),
    actions.ADMIN_CANCEL: lambda flow, a: _sync(organiser.ask_cancel(flow, a.number)),
    actions.ADMIN_CANCEL_CONFIRM: lambda flow, a: organiser.cancel(flow, a.number),
    actions.ADMIN_CONFIRM: lambda flow, _: organiser.confirmed(flow),
    actions.LANGUAGES: lambda flow, _: _sync(menu.languages(flow)),
    actions.LANGUAGE: lambda flow, a: _sync(menu.set_language(flow, a.audience)),
}


async def _sync(reply: Reply) -> Reply:
    return reply


async def on_choice(flow: Flow, data: str) -> list[Reply]:
    """A button or numbered line was picked."""
    action = actions.decode(data)
    if action is None:
        return [menu.stale_choice(flow)]
    if action.name in actions.ADMIN_ACTIONS and not organiser.is_organiser(flow):
        return [menu.stale_choice(flow)]  # the same answer as any unknown button
    return [await STEPS[action.name](flow, action)]


def _remembered(
    flow: Flow, *, number: int | None = None, intent: Intent | None = None
) -> str | None:
    """The data of a choice on the last screen, by its number or its meaning."""
    choices: list[list[Any]] = flow.state.get("choices", [])
    if number is not None and 1 <= number <= len(choices):
        return str(choices[number - 1][0])
    if intent is not None:
        for entry in choices:
            if entry[1] == intent:
                return str(entry[0])
    return None


async def on_start(flow: Flow, payload: str) -> list[Reply]:
    """/start, maybe with a poster's deep link payload 's<SESSION_ID>'."""
    action = actions.decode(f"{actions.SESSION}:{payload[1:]}") if payload[:1] == "s" else None
    if action is not None:
        card = await browse.session_card(flow, action.number)
        return [menu.welcome_text(flow), card]
    return [menu.welcome(flow)]


def on_opt_out(flow: Flow, stop: bool) -> list[Reply]:
    """STOP: no more messages until START; START: welcome back."""
    flow.person.opted_out = stop
    if stop:
        return [Reply(flow.t("optout.stopped"))]
    return [Reply(flow.t("optout.resumed"), menu.menu_choices(flow))]


async def on_text(flow: Flow, text: str) -> list[Reply]:
    """Something written."""
    stop = opt_out_of(text)
    if stop is not None:
        return on_opt_out(flow, stop)
    if flow.person.opted_out:
        return []  # after STOP, only START gets an answer
    command = command_of(text)
    if command is not None and command[0] == "start":
        return await on_start(flow, command[1])
    if organiser.is_organiser(flow):
        if command is not None and command[0] in ("admin", "organisateur"):
            return [await organiser.home(flow)]
        answer = await organiser.typed(flow, text)
        if answer is not None:
            return [answer]
    if flow.first_contact:
        return [menu.welcome(flow)]
    number = number_of(text)
    if number is not None:
        data = _remembered(flow, number=number)
        if data is not None:
            return await on_choice(flow, data)
    if len(text.split()) >= 3:  # a title before the looser readings of the words
        session_id = await browse.session_named(flow, text)
        if session_id is not None:
            return [await browse.session_card(flow, session_id)]
    intent = intent_of(text)
    if intent in (TextIntent.YES, TextIntent.NO):
        data = _remembered(flow, intent=Intent.YES if intent == TextIntent.YES else Intent.NO)
        if data is not None:
            return await on_choice(flow, data)
        return [menu.main_menu(flow)] if intent == TextIntent.NO else [menu.not_understood(flow)]
    if intent == TextIntent.CANCEL:
        return [await cancel.start(flow)]
    if intent == TextIntent.MY_BOOKINGS:
        return [await cancel.my_bookings(flow)]
    if intent == TextIntent.WORKSHOPS:
        return [await browse.session_list(flow)]
    if intent == TextIntent.MENU:
        return [menu.main_menu(flow)]
    if intent == TextIntent.HELP:
        return [menu.help_screen(flow)]
    if intent == TextIntent.PRIVACY:
        return [privacy.notice(flow)]
    if intent == TextIntent.LANGUAGE:
        return [menu.languages(flow)]
    if intent == TextIntent.EXPLAIN:
        return [menu.explain(flow)]
    session_id = await browse.session_named(flow, text)
    if session_id is not None:
        return [await browse.session_card(flow, session_id)]
    if intent == TextIntent.FORGET:
        return [privacy.ask(flow)]
    return [menu.not_understood(flow)]


async def route(flow: Flow, incoming: Incoming) -> list[Reply]:
    """Send an event to the step that handles it."""
    if flow.person.opted_out and (incoming.kind != Kind.TEXT or not incoming.text.strip()):
        return []  # after STOP, only START gets an answer
    if incoming.kind == Kind.CHOICE:
        return await on_choice(flow, incoming.choice)
    if incoming.kind == Kind.OTHER or not incoming.text.strip():
        if flow.first_contact:
            return [menu.welcome(flow)]
        return [menu.not_text(flow, incoming.media)]
    return await on_text(flow, incoming.text)


class Conversations:
    """Handle incoming events for every channel."""

    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def handle(
        self, incoming: Incoming, *, queue: bool = False, raise_database_errors: bool = False
    ) -> list[Reply]:
        """Handle one event; a redelivered event returns no reply and changes nothing.

        With ``queue`` the replies are also put in the outbox, in the same transaction
        (channels such as SMS that answer through the outbox): a crash loses none.
        Database errors become an apology, or propagate with ``raise_database_errors`` (or
        ``queue``) so that the caller can have the event delivered again.
        """
        for attempt in range(3):
            try:
                async with self.db.transaction() as session:
                    replies, person = await self._handle(session, incoming)
                    if queue and person is not None:
                        await self._queue(session, incoming, replies, person)
                metrics.UPDATES.labels(incoming.sender.channel).inc()
                return replies
            except IntegrityError:
                log.info("conflict while handling an update, retrying (attempt %d)", attempt + 1)
            except (OperationalError, DBAPIError):
                if queue or raise_database_errors:
                    raise
                log.exception("database unavailable while handling an update")
                return [self._apology(incoming, "error.try_again")]
            except Exception:
                log.exception("unexpected error while handling an update")
                apology = self._apology(incoming, "error.unexpected")
                if queue:  # the channel answers through the outbox only
                    await self._queue_apology(incoming, apology)
                return [apology]
        return [self._apology(incoming, "error.try_again")]

    async def queue_replies(self, incoming: Incoming, replies: list[Reply]) -> None:
        """Put replies that could not be sent directly in the outbox, to be sent again."""
        async with self.db.transaction() as session:
            sender = incoming.sender
            person = await find_person(session, sender.channel, sender.external_id)
            if person is not None:
                await self._queue(session, incoming, replies, person)

    async def _queue_apology(self, incoming: Incoming, apology: Reply) -> None:
        """Queue the apology of a step that failed (its own transaction was rolled back)."""
        async with self.db.transaction() as session:
            language = normalise_language(incoming.sender.language, self.settings.default_language)
            person, _ = await get_or_create_person(
                session, incoming.sender, language, self.clock.now()
            )
            failed = replace(incoming, update_key=f"{incoming.update_key}:apology")
            await self._queue(session, failed, [apology], person)

    def apology(self, incoming: Incoming) -> Reply:
        """What to say when the database cannot be reached."""
        return self._apology(incoming, "error.try_again")

    async def _queue(
        self, session: Any, incoming: Incoming, replies: list[Reply], person: Person
    ) -> None:
        payload_extra = {}
        if is_erased(person):  # the last message goes to the address the person wrote from
            payload_extra = {"to": incoming.sender.external_id}
        for index, reply in enumerate(replies):
            await enqueue(
                session,
                key=f"{REPLY}:{incoming.sender.channel}:{incoming.update_key}:{index}",
                person_id=person.id,
                kind=REPLY,
                due_at=self.clock.now(),
                payload=reply_to_payload(reply) | payload_extra,
            )

    def _apology(self, incoming: Incoming, key: str) -> Reply:
        language = normalise_language(incoming.sender.language, self.settings.default_language)
        t = Translator(language, text_variant(incoming.sender.channel))
        return Reply(t(key))

    async def _handle(self, session: Any, incoming: Incoming) -> tuple[list[Reply], Person | None]:
        now = self.clock.now()
        if incoming.update_key is not None:
            fresh = await insert_ignore(
                session,
                ProcessedUpdate,
                {
                    "channel": incoming.sender.channel,
                    "update_key": incoming.update_key,
                    "handled_at": now,
                },
            )
            if not fresh:
                log.info("update already handled, ignored")
                return [], None
        language = normalise_language(incoming.sender.language, self.settings.default_language)
        person, created = await get_or_create_person(session, incoming.sender, language, now)
        conversation = (
            await session.execute(
                select(Conversation).where(Conversation.person_id == person.id).with_for_update()
            )
        ).scalar_one_or_none()
        if conversation is None:
            conversation = Conversation(person_id=person.id, state={}, updated_at=now)
            session.add(conversation)
        flow = Flow(
            db=session,
            person=person,
            state=dict(conversation.state or {}),
            t=Translator(person.language, text_variant(person.channel)),
            settings=self.settings,
            now=now,
            first_contact=created,
        )
        replies = await route(flow, incoming)
        if is_erased(person):  # the conversation went with the rest of the data
            session.expunge(conversation)
            return replies, person
        conversation.state = remember(flow.state, replies)
        conversation.updated_at = now
        return replies, person

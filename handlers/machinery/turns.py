"""The conversation engine: one incoming event in, replies out, state kept in the database.

Each event is handled in one transaction: the update is recorded (a redelivery changes
nothing), the person and their conversation row are locked, the flow step runs, and the
new state is saved. Replies are returned to the channel, which sends them.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.clock import Clock
from core.config import Settings
from core.dialog import Incoming, Reply, reply_to_payload, text_variant
from core.i18n import Translator, normalise_language
from core.intake import incoming_taken_in
from core.outbox import metrics
from core.outbox.queue import (
    FAREWELL_ADDRESS,
    HOLD,
    REPLY,
    Queued,
    enqueue_all,
    release_held,
    reply_key,
)
from core.seats.people import (
    conversation_state,
    find_person,
    find_talking,
    get_or_create_person,
    save_state,
)
from core.seats.privacy import is_erased
from handlers.machinery.context import Flow
from handlers.machinery.router import route
from handlers.machinery.state import ConversationState, remember
from models import Database, Person, ProcessedUpdate
from models.inserts import insert_ignore

log = logging.getLogger(__name__)


class Conversations:
    """Handle incoming events for every channel."""

    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def handle(
        self,
        incoming: Incoming,
        *,
        queue: bool = False,
        raise_database_errors: bool = False,
        wait: float | None = None,
    ) -> list[Reply]:
        """Handle one event; a redelivered event returns no reply and changes nothing.

        With ``queue`` the replies are also put in the outbox, in the same transaction
        (channels such as SMS that answer through the outbox): a crash loses none.
        Database errors become an apology, or propagate with ``raise_database_errors`` (or
        ``queue``) so that the caller can have the event delivered again. ``wait`` bounds
        the wait for the database's write lock (a webhook answers before its provider
        gives up). The event is taken in first (:func:`core.intake.incoming_taken_in`): its
        text cut at its channel's limit, before anything reads it.
        """
        replies, _ = await self._event(incoming, queue, False, raise_database_errors, wait)
        return replies

    async def handle_holding(
        self, incoming: Incoming, *, raise_database_errors: bool = False, wait: float | None = None
    ) -> tuple[list[Reply], tuple[str, ...]]:
        """Handle one event, as :meth:`handle`, its replies also written in the outbox in the
        same transaction, held by the caller who sends them at once (channels that answer
        directly, Telegram): a crash after the commit loses none. Return the replies and the
        keys of their rows, each reply's at its place (none when nothing was written: a
        redelivered event, an apology)."""
        return await self._event(incoming, False, True, raise_database_errors, wait)

    async def _event(
        self,
        incoming: Incoming,
        queue: bool,
        hold: bool,
        raise_database_errors: bool,
        wait: float | None,
    ) -> tuple[list[Reply], tuple[str, ...]]:
        incoming = incoming_taken_in(incoming)
        for attempt in range(3):
            try:
                keys: tuple[str, ...] = ()
                async with self.db.transaction(wait=wait, brief=True) as session:
                    replies, person = await self._handle(session, incoming)
                    if (queue or hold) and person is not None and replies:
                        held_until = self.clock.now() + HOLD if hold else None
                        keys = await self._queue(session, incoming, replies, person, held_until)
                metrics.UPDATES.labels(incoming.sender.channel).inc()
                return replies, keys
            except IntegrityError:
                log.info("conflict while handling an update, retrying (attempt %d)", attempt + 1)
            except (OperationalError, DBAPIError):
                if queue or raise_database_errors:
                    raise
                log.exception("database unavailable while handling an update")
                return [self._apology(incoming, "error.try_again")], ()
            except Exception:
                log.exception("unexpected error while handling an update")
                apology = self._apology(incoming, "error.unexpected")
                if queue:  # the channel answers through the outbox only
                    await self._queue_apology(incoming, apology)
                return [apology], ()
        return [self._apology(incoming, "error.try_again")], ()

    async def queue_replies(self, incoming: Incoming, replies: list[Reply], first: int = 0) -> None:
        """Put replies that could not be sent directly in the outbox, to be sent again:
        ``replies`` are the update's from its ``first`` on. Those written with the update
        and still held (:meth:`handle_holding`) are handed to the sender as they are now
        (a keyboard already sent is no longer in them); the others are queued."""
        incoming = incoming_taken_in(incoming)
        async with self.db.transaction() as session:
            sender = incoming.sender
            keys = [
                reply_key(sender.channel, str(incoming.update_key), first + index)
                for index in range(len(replies))
            ]
            payloads = {
                key: reply_to_payload(reply) for key, reply in zip(keys, replies, strict=True)
            }
            released = await release_held(session, payloads, self.clock.now())
            if len(released) == len(keys):
                return
            person = await find_person(session, sender.channel, sender.external_id)
            if person is None:
                return
            for index, reply in enumerate(replies):  # not written with the update: queued
                if keys[index] not in released:
                    await self._queue(session, incoming, [reply], person, first=first + index)

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
        self,
        session: Any,
        incoming: Incoming,
        replies: list[Reply],
        person: Person,
        held_until: datetime | None = None,
        first: int = 0,
    ) -> tuple[str, ...]:
        """Write ``replies`` (the update's from its ``first`` on) in the outbox, in one
        statement, held until ``held_until`` when given; return their keys."""
        payload_extra = {}
        if is_erased(person):  # the last message goes to the address the person wrote from
            payload_extra = {FAREWELL_ADDRESS: incoming.sender.external_id}
        now = self.clock.now()
        rows = [
            Queued(
                key=reply_key(incoming.sender.channel, str(incoming.update_key), first + index),
                person_id=person.id,
                kind=REPLY,
                due_at=now,
                payload=reply_to_payload(reply) | payload_extra,
            )
            for index, reply in enumerate(replies)
        ]
        await enqueue_all(session, rows, held_until=held_until)
        return tuple(row.key for row in rows)

    def _apology(self, incoming: Incoming, key: str) -> Reply:
        language = normalise_language(incoming.sender.language, self.settings.default_language)
        t = Translator(language, text_variant(incoming.sender.channel))
        return Reply(t(key))

    async def _talking(
        self, session: Any, incoming: Incoming, now: datetime
    ) -> tuple[Person, dict[str, Any] | None, bool]:
        """The person, their conversation's stored state (the row locked; None when they
        have none yet), and whether this is a first contact: one query for someone already
        talking to the bot."""
        found = await find_talking(session, incoming.sender, now)
        if found is not None:
            return *found, False
        language = normalise_language(incoming.sender.language, self.settings.default_language)
        person, created = await get_or_create_person(
            session, incoming.sender, language, now, new=True
        )
        if created:  # inserted by this transaction: no conversation can refer to it yet
            return person, None, True
        return person, await conversation_state(session, person.id), False

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
        person, stored, created = await self._talking(session, incoming, now)
        flow = Flow(
            db=session,
            person=person,
            state=ConversationState.from_json(stored if stored is not None else {}),
            t=Translator(person.language, text_variant(person.channel)),
            settings=self.settings,
            now=now,
            first_contact=created,
        )
        replies = await route(flow, incoming)
        if is_erased(person):  # the conversation went with the rest of the data
            return replies, person
        state = remember(flow.state, replies).to_json()
        await save_state(session, person.id, state, now, new=stored is None)
        return replies, person

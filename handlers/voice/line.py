"""The phone line: a small menu for the ear over the booking services.

The written flows (handlers/flows) show lists and cards made for the eye; on the phone a
caller hears one workshop at a time and answers with one key. So the line has its own
few steps, and calls the same services (``core.seats``) on the same database: a seat
booked by phone is the seat the same number sees by SMS or WhatsApp.

Each call is a row of ``voice_calls``: its step, what the step holds, the silences in a
row and the turn. Every question names its turn; an answer to an older turn (a retry, a
replay) hears the current question again and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_time
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.config import Settings
from core.dialog import VOICE, Reply, reply_to_payload
from core.errors import AlreadyBooked, BookingError
from core.formatting import day_in_words, local
from core.i18n import Translator
from core.outbox.queue import REPLY, enqueue
from core.phones import may_text
from core.places import read_place, ready
from core.places.names import folded
from core.seats import labels
from core.seats.alerts import alert_call_back
from core.seats.booking import book_seat, cancel_booking, own_booking
from core.seats.catalog import my_upcoming_bookings, upcoming_sessions
from core.seats.people import SEEN_PRECISION, find_or_add_person
from core.seats.reminders import REMINDER, ReminderRule, reminder_key_prefix
from core.seats.towns import Town, sessions_near, upcoming_towns
from core.understanding.describing import described, may_describe, one_stands_for_a_workshop
from core.understanding.intents import TextIntent, best_title, read
from core.understanding.learned import using
from core.understanding.pipeline import unsure
from core.understanding.reading import ACTING, Reading
from core.understanding.screens import Expects, Screen, read_on
from handlers.voice.prompts import Prompt
from models import (
    Booking,
    BookingStatus,
    Database,
    OutboxMessage,
    Person,
    SessionStatus,
    VoiceCall,
)
from models import WorkshopSession as Workshop

log = logging.getLogger(__name__)

MENU = "menu"
WORKSHOP = "workshop"
BOOK = "book"
MINE = "mine"
CANCEL = "cancel"
AFTER = "after"
REMIND = "remind"
ENDED = "ended"
CLARIFY = "clarify"
"""An unsure spoken wish: "Vous voulez : pour annuler votre place, tapez 1 ..."."""

TOWN = "town"
TOWN_KEYS = 8
"""Towns offered by their key (1 to 8; 9 repeats, 0 asks to be called back); a town or a
postcode can also be said."""
TOWN_LABEL = "town:"
WORKSHOP_LABEL = "workshop:"
"""A workshop offered by its title, when a description hesitates between two."""
TITLE = "title="
"""A workshop of the bookable ones, by its index, as one of two offered (``title=3``)."""
NOT_A_TOWN = frozenset(
    {
        TextIntent.NUMBER,
        TextIntent.MENU,
        TextIntent.HELP,
        TextIntent.EXPLAIN,
        TextIntent.CANCEL,
        TextIntent.MY_BOOKINGS,
        TextIntent.WORKSHOPS,
    }
)

REPEAT = "9"
SPOKEN_WISHES = {
    TextIntent.CANCEL: "cancel",
    TextIntent.MY_BOOKINGS: "mine",
    TextIntent.WORKSHOPS: "workshops",
}
"""What an unsure spoken wish may be asked about on the line (it has no privacy step)."""
WISH_OPTIONS = {
    "cancel": "voice.option.cancel_seat",
    "mine": "voice.option.mine",
    "workshops": "voice.option.book",
}
CALL_BACK = "0"

BUSY_WINDOW = timedelta(seconds=45)
"""Another call of the same number heard from this recently is taken to be still on. A call
that is on posts at least once per question (the longest prompt said slowly, then the 9 s a
Gather waits: well under 45 s); a caller cut off mid-menu who calls straight back is thus
answered after 45 s at most, even when Twilio's status callback is not set up."""

LISTED = 40
"""Workshops read out at most (one at a time)."""

GIVE_UP = 3
"""Silences (or wrong keys) in a row after which the line says goodbye."""

CALL_AGAIN = "call_again"
CALL_AGAIN_AFTER = timedelta(hours=2)
CALLS_AGAIN = 2
"""A reminder call nobody answered is placed again this long after, this many times."""


class PhoneLine:
    """Answer calls, take keys and words, keep each call's step in the database."""

    def __init__(
        self, db: Database, settings: Settings, clock: Clock, *, writes_sms: bool = False
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.writes_sms = writes_sms
        """Whether a caller known only on the phone line gets texts (SMS is set up)."""

    # The three ways a call's step changes: a call comes in, a reminder call is answered,
    # an answer is taken.

    async def answer(self, call_sid: str, number: str) -> Prompt:
        """The welcome and the menu, for a new call from ``number`` (E.164)."""
        for _ in range(2):  # the same call announced twice at once: one row wins
            try:
                async with self.db.transaction() as session:
                    return await self._answer(session, call_sid, number)
            except IntegrityError:
                log.info("a call was announced twice at once")
        async with self.db.transaction() as session:
            call = await session.get(VoiceCall, call_sid)
            assert call is not None
            return await self._render(session, call)

    async def _answer(self, session: AsyncSession, call_sid: str, number: str) -> Prompt:
        now = self.clock.now()
        call = await session.get(VoiceCall, call_sid, with_for_update=True)
        if call is not None:  # the same call announced again: the same answer
            return await self._render(session, call)
        person = await find_or_add_person(
            session, VOICE, number, now, language=self.settings.default_language
        )
        if now - person.last_seen_at >= SEEN_PRECISION:
            person.last_seen_at = now  # a caller is not an inactive person to erase
        person.unreachable = False  # the number just called
        t = Translator(person.language)
        busy = await self._close_others(session, person.id, call_sid, now)
        if busy:
            data: dict[str, Any] = {"preface": [t("voice.busy")]}
            step = ENDED
        else:
            data = {"preface": await self._welcome(session, t)}
            step = MENU
        call = VoiceCall(
            call_sid=call_sid,
            person_id=person.id,
            step=step,
            data=data,
            turn=0,
            misses=0,
            open=not busy,
            started_at=now,
            updated_at=now,
        )
        session.add(call)
        await session.flush()
        return await self._render(session, call)

    async def remind(
        self, call_sid: str, booking_id: int, number: str, *, voicemail: bool = False
    ) -> Prompt:
        """The reminder said on a call the bot placed (``number`` is the one called); to an
        answering machine, the reminder alone, with the way to cancel, and no question."""
        async with self.db.transaction() as session:
            now = self.clock.now()
            call = await session.get(VoiceCall, call_sid, with_for_update=True)
            if call is not None:
                return await self._render(session, call)
            booking = await session.get(Booking, booking_id)
            person = await session.get(Person, booking.person_id) if booking else None
            t = Translator(person.language if person else self.settings.default_language)
            if booking is None or person is None or person.external_id != number:
                return self._farewell(t, [t("voice.reminder_moot")])
            workshop = await session.get(Workshop, booking.session_id)
            if (
                booking.status != BookingStatus.BOOKED
                or workshop is None
                or workshop.status != SessionStatus.SCHEDULED
                or workshop.starts_at <= now
            ):
                return self._farewell(t, [t("voice.reminder_moot")])
            if voicemail:
                where = f"{workshop.venue}, {workshop.address}" if workshop.address else ""
                said = [
                    t("voice.line"),
                    t("voice.reminder"),
                    *self._describe(t, workshop),
                    t("voice.where", venue=where or workshop.venue),
                    t("voice.voicemail"),
                ]
                return self._farewell(t, said)
            call = VoiceCall(
                call_sid=call_sid,
                person_id=person.id,
                step=REMIND,
                data={"booking": booking.id},
                turn=0,
                misses=0,
                open=True,
                started_at=now,
                updated_at=now,
            )
            session.add(call)
            await session.flush()
            return await self._render(session, call)

    async def take(self, call_sid: str, turn: int, digits: str, speech: str) -> Prompt | None:
        """The next question after an answer (keys, words, or nothing: a silence).

        None when the call is unknown; an answer to an older turn changes nothing.
        """
        async with self.db.transaction() as session:
            call = await session.get(VoiceCall, call_sid, with_for_update=True)
            if call is None:
                return None
            if call.turn != turn or not call.open:
                return await self._render(session, call)
            person = await session.get(Person, call.person_id)
            assert person is not None
            t = Translator(person.language)
            asked = await self._render(session, call)
            key = await self._key(session, call, asked, digits, speech, person.language)
            call.turn += 1
            call.updated_at = self.clock.now()
            data = {name: value for name, value in call.data.items() if name != "missed"}
            if key is None:
                self._missed(call, data, t, heard=bool(digits or speech))
            else:
                call.misses = 0
                call.data = data
                await self._go(session, call, person, t, key)
            if call.step == ENDED:
                call.open = False
            return await self._render(session, call)

    async def hung_up(self, call_sid: str) -> None:
        """The call ended (Twilio's status callback): another call of the number is free."""
        async with self.db.transaction() as session:
            await session.execute(
                update(VoiceCall).where(VoiceCall.call_sid == call_sid).values(open=False)
            )

    async def unanswered(self, call_sid: str, booking_id: int) -> bool:
        """A reminder call nobody took (no answer, busy, failed): call again a little
        later, twice at most. Return whether another call was queued."""
        async with self.db.transaction() as session:
            now = self.clock.now()
            booking = await session.get(Booking, booking_id)
            workshop = await session.get(Workshop, booking.session_id) if booking else None
            if booking is None or workshop is None or booking.status != BookingStatus.BOOKED:
                return False
            again = now + CALL_AGAIN_AFTER
            if workshop.status != SessionStatus.SCHEDULED or again >= workshop.starts_at:
                return False
            prefix = f"{reminder_key_prefix(booking.id)}{CALL_AGAIN}:"
            tried = (
                await session.execute(
                    select(func.count()).where(OutboxMessage.key.startswith(prefix))
                )
            ).scalar_one()
            if tried >= CALLS_AGAIN:
                return False
            return await enqueue(
                session,
                key=f"{prefix}{call_sid}",
                person_id=booking.person_id,
                kind=REMINDER,
                due_at=again,
                payload={"booking_id": booking.id, "days": 1},
            )

    async def is_open(self, call_sid: str) -> bool:
        """Whether a call is known and still on (for the demo)."""
        async with self.db.transaction() as session:
            call = await session.get(VoiceCall, call_sid)
            return call is not None and call.open

    # Reading an answer.

    async def _key(
        self,
        session: AsyncSession,
        call: VoiceCall,
        asked: Prompt,
        digits: str,
        speech: str,
        language: str,
    ) -> str | None:
        """The key an answer means in this step, a spoken wish ("mine", "cancel", a
        workshop's title), or None: nothing heard, or not one of the keys."""
        digits = digits.strip()
        if digits:
            return digits if digits in asked.keys else None
        speech = speech.strip()[:300]
        if not speech:
            return None
        if call.step == WORKSHOP:
            titles = [w.title for w in await self._bookable(session, call)]
            found = best_title(speech, titles)
            if found is not None:
                return f"title:{found}"
        with using(await labels.learned(session, self.clock.now())):  # what organisers taught
            reading = read(speech, language)
        if call.step in (BOOK, CANCEL, REMIND):  # "oui annulez", "yes go ahead": the question
            reading = read_on(speech, Screen(Expects.YES_NO), language, reading)
        elif call.step == WORKSHOP:  # "ouais je prends": this one
            reading = read_on(speech, Screen(Expects.CARD), language, reading)
        intent = reading.intent
        if call.step == TOWN and intent not in NOT_A_TOWN:
            return f"said:{speech}"
        if call.step == WORKSHOP:  # "celui pour parler avec mes petits-enfants en vidéo"
            picked = await self._described(session, call, speech, language, reading)
            if picked is not None:
                return picked
        offered = unsure(reading) if call.step == MENU else None
        if offered is not None and all(wish in SPOKEN_WISHES for wish in offered):
            return f"{CLARIFY}:{SPOKEN_WISHES[offered[0]]}:{SPOKEN_WISHES[offered[1]]}"
        if intent == TextIntent.NUMBER and reading.number is not None:
            number = str(reading.number)
            return number if number in asked.keys else None
        confirming = call.step in (BOOK, CANCEL, REMIND)
        if intent == TextIntent.YES and confirming:
            return "1"
        if intent in (TextIntent.YES, TextIntent.WORKSHOPS) and call.step == WORKSHOP:
            return "1"  # "oui", "je réserve": this one (a confirmation follows)
        if intent == TextIntent.NO and call.step in (BOOK, CANCEL):
            return "2"
        if intent == TextIntent.CANCEL:
            return {REMIND: "2", MINE: "1", CANCEL: None}.get(call.step, "cancel")
        wishes = {
            TextIntent.MY_BOOKINGS: "mine",
            TextIntent.WORKSHOPS: "workshops",
            TextIntent.MENU: "menu",
            TextIntent.HELP: REPEAT,
            TextIntent.EXPLAIN: REPEAT,
        }
        return wishes.get(intent)

    async def _described(
        self,
        session: AsyncSession,
        call: VoiceCall,
        speech: str,
        language: str,
        reading: Reading,
    ) -> str | None:
        """A workshop described among the bookable ones ("title:3"), or the two a description
        hesitates between, to be asked about ("clarify:title=3:title=5"); None when the
        reading may be no description (an act, one's bookings) or none is described."""
        one = reading.number == 1 and one_stands_for_a_workshop(speech, language)
        if not (one or may_describe(reading, speech, language)):
            return None
        offered = unsure(reading)
        if offered is not None and any(intent in ACTING for intent in offered):
            return None
        bookable = await self._bookable(session, call)
        found = described(speech, [(w.title, w.description) for w in bookable], language)
        if found.chosen is not None:
            return f"title:{found.chosen}"
        if found.between is not None:
            first, second = found.between
            return f"{CLARIFY}:{TITLE}{first}:{TITLE}{second}"
        return None

    def _missed(self, call: VoiceCall, data: dict[str, Any], t: Translator, *, heard: bool) -> None:
        """A silence or a key that means nothing here: the question again, then an offer
        to be called back, then goodbye. After a reply, a silence simply ends the call."""
        if call.step == AFTER and not heard:
            call.step, call.data = ENDED, {"preface": []}
            return
        call.misses += 1
        if call.misses >= GIVE_UP:
            call.step, call.data = ENDED, {"preface": [t("voice.no_answer")]}
            return
        data["missed"] = "key" if heard else "silence"
        call.data = data

    # Moving on.

    async def _go(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator, key: str
    ) -> None:
        step, data = call.step, dict(call.data)
        if key == REPEAT:  # the same question; the welcome is not said twice
            call.data = {k: v for k, v in data.items() if not (step == MENU and k == "preface")}
            return None
        if key == CALL_BACK:
            return await self._call_back(session, call, person, t)
        if key.startswith(f"{CLARIFY}:"):  # the two wishes, as keys 1 and 2
            return self._to(call, CLARIFY, {"offer": key.split(":")[1:]})
        if step == CLARIFY and key in ("1", "2"):
            offer = str(data["offer"][int(key) - 1])
            if offer.startswith(TITLE):  # one of two workshops described: its confirmation
                index = int(offer.removeprefix(TITLE))
                workshops = await self._bookable(session, call)
                if index < len(workshops):
                    return self._to(call, BOOK, {"session": workshops[index].id, "i": index})
                return await self._to_workshop(session, call, t, 0)
            call.step = MENU  # the wish picked is then taken as if said on the menu
            return await self._go(session, call, person, t, offer)
        if (
            key == "menu"
            or (key == "3" and step in (WORKSHOP, MINE))
            or (key == "1" and step == AFTER)
        ):
            return self._to(call, MENU, {})
        if key == "workshops" or (key == "1" and step == MENU):
            return await self._to_town_or_workshop(session, call, person, t)
        if step == TOWN:
            return await self._town_chosen(session, call, person, t, key)
        if step == WORKSHOP and key == "4" and data.get("towns"):
            towns = await upcoming_towns(session, self.clock.now())
            return self._to_town(call, towns, [])
        if key == "mine" or (key == "2" and step == MENU):
            return await self._to_mine(session, call, person, t, 0)
        if key == "cancel":
            return await self._to_spoken_cancel(session, call, person, t)
        if step == WORKSHOP:
            if key == "1":
                return self._to(call, BOOK, {"session": data["session"], "i": data["i"]})
            if key == "2":
                return await self._to_workshop(session, call, t, int(data["i"]) + 1)
            if key.startswith("title:"):
                index = int(key.removeprefix("title:"))
                workshops = await self._bookable(session, call)
                chosen = workshops[index].id
                return self._to(call, BOOK, {"session": chosen, "i": index})
        if step == BOOK:
            if key == "1":
                return await self._book(session, call, person, t, int(data["session"]))
            return await self._to_workshop(session, call, t, int(data.get("i", 0)))
        if step == MINE:
            if key == "1":
                back = {"step": MINE, "i": data["i"]}
                return self._to(call, CANCEL, {"booking": data["booking"], "back": back})
            return await self._to_mine(session, call, person, t, int(data["i"]) + 1)
        if step == CANCEL:
            if key == "1":
                return await self._cancel(session, call, person, t, data)
            back = data.get("back", {})
            if back.get("step") == REMIND:
                return self._to(call, REMIND, {"booking": data["booking"]})
            return self._to(call, MENU, {"preface": [t("voice.kept")]})
        if step == REMIND:
            if key == "1":
                return await self._coming(session, call, person, t, int(data["booking"]))
            back = {"step": REMIND}
            return self._to(call, CANCEL, {"booking": data["booking"], "back": back})
        self._to(call, MENU, {})
        return None

    @staticmethod
    def _action(t: Translator, label: str) -> str:
        """What a key does, said: a catalog key, or a town's name."""
        if label.startswith(TOWN_LABEL):
            return t("voice.option.town", town=label.removeprefix(TOWN_LABEL))
        if label.startswith(WORKSHOP_LABEL):
            return t("voice.option.workshop", title=label.removeprefix(WORKSHOP_LABEL))
        return t(label)

    @staticmethod
    def _to(call: VoiceCall, step: str, data: dict[str, Any]) -> None:
        call.step, call.data = step, data

    async def _to_workshop(
        self, session: AsyncSession, call: VoiceCall, t: Translator, index: int
    ) -> None:
        workshops = await self._bookable(session, call)
        if not workshops:
            return self._to(call, MENU, {"preface": [t("voice.no_workshops")]})
        preface = [t("voice.first_again")] if index >= len(workshops) and index > 0 else []
        index %= len(workshops)
        several = len(await upcoming_towns(session, self.clock.now())) > 1
        self._to(
            call,
            WORKSHOP,
            {
                "i": index,
                "session": workshops[index].id,
                "total": len(workshops),
                "preface": preface,
                "towns": several,
            },
        )
        return None

    async def _to_mine(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator, index: int
    ) -> None:
        mine = await my_upcoming_bookings(session, person.id, self.clock.now())
        if not mine:
            return self._to(call, MENU, {"preface": [t("voice.no_bookings")]})
        preface = [t("voice.first_again")] if index >= len(mine) and index > 0 else []
        index %= len(mine)
        booking = mine[index].booking.id
        self._to(
            call, MINE, {"i": index, "booking": booking, "total": len(mine), "preface": preface}
        )
        return None

    async def _to_spoken_cancel(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator
    ) -> None:
        """ "Je veux annuler": straight to the confirmation when there is one booking."""
        mine = await my_upcoming_bookings(session, person.id, self.clock.now())
        if len(mine) == 1:
            back = {"step": MENU}
            return self._to(call, CANCEL, {"booking": mine[0].booking.id, "back": back})
        await self._to_mine(session, call, person, t, 0)
        if len(mine) > 1:
            call.data = {**call.data, "preface": [t("voice.which_cancel")]}
        return None

    async def _book(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator, sid: int
    ) -> None:
        now = self.clock.now()
        try:
            booking = await book_seat(session, person, sid, now, ReminderRule.of(self.settings))
        except AlreadyBooked:
            return self._to(call, AFTER, {"preface": [t("voice.already_booked")]})
        except BookingError:
            return self._to(call, AFTER, {"preface": [t("voice.book_failed")]})
        workshop = await session.get(Workshop, sid)
        assert workshop is not None
        day, hour = self._when(t, workshop)
        said = [
            t("voice.booked"),
            t("voice.title", title=workshop.title),
            t("voice.when", day=day, time=hour),
            t("voice.where", venue=workshop.venue),
        ]
        if self._writes_to(person):
            where = f"{workshop.venue}, {workshop.address}" if workshop.address else workshop.venue
            text = t("voice.booked_written", title=workshop.title, day=day, time=hour, where=where)
            await enqueue(
                session,
                key=f"{REPLY}:{VOICE}:{call.call_sid}:{booking.id}",
                person_id=person.id,
                kind=REPLY,
                due_at=now,
                payload=reply_to_payload(Reply(text)),
            )
            said.append(t("voice.sms_follows"))
        self._to(call, AFTER, {"preface": said})
        return None

    async def _cancel(
        self,
        session: AsyncSession,
        call: VoiceCall,
        person: Person,
        t: Translator,
        data: dict[str, Any],
    ) -> None:
        now = self.clock.now()
        try:
            await cancel_booking(
                session, person, int(data["booking"]), now, self.settings.offer_expiry_minutes
            )
        except BookingError:
            return self._to(call, AFTER, {"preface": [t("voice.cancel_failed")]})
        if data.get("back", {}).get("step") == REMIND:
            return self._to(call, ENDED, {"preface": [t("voice.cancelled")]})
        self._to(call, AFTER, {"preface": [t("voice.cancelled")]})
        return None

    async def _coming(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator, booking: int
    ) -> None:
        try:
            found = await own_booking(session, person, booking)
        except BookingError:
            return self._to(call, ENDED, {"preface": [t("voice.reminder_moot")]})
        if found.confirmed_at is None:
            found.confirmed_at = self.clock.now()
        self._to(call, ENDED, {"preface": [t("voice.coming")]})
        return None

    async def _call_back(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator
    ) -> None:
        now = self.clock.now()
        day = local(now, self.settings.zone).date()
        if not await alert_call_back(session, person, day, now):
            return self._to(call, AFTER, {"preface": [t("voice.call_back_nobody")]})
        start, end = self.settings.call_hours
        hours = [
            format_time(moment, t("format.voice.hour"), locale=t.language)
            for moment in (start, end)
        ]
        said = t(
            "voice.call_back_queued",
            days=self.settings.voice_call_back_days,
            start=hours[0],
            end=hours[1],
        )
        self._to(call, AFTER, {"preface": [t("voice.call_back_asked"), said]})
        return None

    # Saying a step.

    async def _render(self, session: AsyncSession, call: VoiceCall) -> Prompt:
        person = await session.get(Person, call.person_id)
        language = person.language if person is not None else self.settings.default_language
        t = Translator(language)
        data = call.data or {}
        preface = [str(line) for line in data.get("preface", [])]
        if call.step == ENDED or not call.open:
            return self._farewell(t, preface, call.turn)
        body, options = await self._step(session, call, t)
        spoken = [
            (key, t("voice.press", action=self._action(t, label), key=key))
            for key, label in options
        ]
        keys = (*tuple(key for key, _ in options), REPEAT, CALL_BACK)
        towns = tuple(str(name) for name in data.get("towns", [])) if call.step == TOWN else ()
        hints = (
            towns
            + tuple(w.title for w in await self._bookable(session, call))
            + tuple(word.strip() for word in t("voice.hints").split(",") if word.strip())
        )
        if call.misses >= 2:  # the second silence: be called back, hear again, or goodbye
            sentences = [
                t("voice.still_there"),
                t("voice.press", action=t("voice.option.call_back"), key=CALL_BACK),
                t("voice.press", action=t("voice.option.repeat"), key=REPEAT),
                t("voice.else_goodbye"),
            ]
            return Prompt(tuple(sentences), keys, True, True, hints, language, call.turn)
        if call.misses == 1:  # again, slowly, the main choices only
            missed = "voice.unknown_key" if data.get("missed") == "key" else "voice.silence"
            main = [line for key, line in spoken if key not in (REPEAT, CALL_BACK)]
            sentences = [t(missed), *body, *main]
            return Prompt(tuple(sentences), keys, True, True, hints, language, call.turn)
        if call.step == AFTER:
            sentences = [*preface, *body, *(line for _, line in spoken), t("voice.or_hang_up")]
        else:
            sentences = [*preface, *body, *(line for _, line in spoken)]
        return Prompt(tuple(sentences), keys, True, False, hints, language, call.turn)

    async def _step(
        self, session: AsyncSession, call: VoiceCall, t: Translator
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """What a step says before its choices, and its choices (key, catalog key)."""
        data = call.data or {}
        repeat = (REPEAT, "voice.option.repeat")
        if call.step == WORKSHOP:
            workshop = await session.get(Workshop, int(data["session"]))
            total = int(data.get("total", 1))
            if workshop is None:
                return [t("voice.book_failed")], [("3", "voice.option.menu"), repeat]
            body = [
                t("voice.workshop_number", number=int(data["i"]) + 1, total=total),
                *self._describe(t, workshop),
                self._seats(t, workshop.seats_left),
            ]
            options = [("1", "voice.option.book_this")]
            if total > 1:
                options.append(("2", "voice.option.next"))
            options.append(("3", "voice.option.menu"))
            if data.get("towns"):
                options.append(("4", "voice.option.change_town"))
            return body, [*options, repeat]
        if call.step == TOWN:
            names = [str(name) for name in data.get("towns", [])]
            towns = [(str(key), f"{TOWN_LABEL}{name}") for key, name in enumerate(names, 1)]
            return [t("voice.town_ask")], [*towns, repeat]
        if call.step == BOOK:
            workshop = await session.get(Workshop, int(data["session"]))
            assert workshop is not None
            body = [t("voice.book_ask"), *self._describe(t, workshop)]
            body.append(t("voice.where", venue=workshop.venue))
            return body, [("1", "voice.option.confirm"), ("2", "voice.option.back"), repeat]
        if call.step in (MINE, CANCEL, REMIND):
            booking = await session.get(Booking, int(data["booking"]))
            workshop = await session.get(Workshop, booking.session_id) if booking else None
            if booking is None or workshop is None:
                return [t("voice.cancel_failed")], [("1", "voice.option.menu")]
            if call.step == MINE:
                total = int(data.get("total", 1))
                body = [
                    t("voice.booking_number", number=int(data["i"]) + 1, total=total),
                    *self._describe(t, workshop),
                ]
                if booking.status == BookingStatus.WAITING:
                    body.append(t("voice.waiting"))
                options = [("1", "voice.option.cancel_this")]
                if total > 1:
                    options.append(("2", "voice.option.next_booking"))
                return body, [*options, ("3", "voice.option.menu"), repeat]
            if call.step == CANCEL:
                body = [t("voice.cancel_ask"), *self._describe(t, workshop)]
                options = [("1", "voice.option.confirm_cancel"), ("2", "voice.option.keep")]
                return body, [*options, repeat]
            where = f"{workshop.venue}, {workshop.address}" if workshop.address else workshop.venue
            body = [
                t("voice.line"),
                t("voice.reminder"),
                *self._describe(t, workshop),
                t("voice.where", venue=where),
            ]
            return body, [("1", "voice.option.coming"), ("2", "voice.option.cancel_seat"), repeat]
        if call.step == AFTER:
            return [], [("1", "voice.option.menu")]
        if call.step == CLARIFY:
            offer = [str(wish) for wish in data.get("offer", [])]
            titled = any(wish.startswith(TITLE) for wish in offer)
            bookable = await self._bookable(session, call) if titled else []
            options = [
                (str(i), self._offered(wish, bookable)) for i, wish in enumerate(offer, start=1)
            ]
            return [t("clarify.ask")], [*options, repeat]
        return [t("voice.menu")], [
            ("1", "voice.option.book"),
            ("2", "voice.option.mine"),
            repeat,
            (CALL_BACK, "voice.option.call_back"),
        ]

    @staticmethod
    def _offered(wish: str, bookable: list[Workshop]) -> str:
        """What an offer of the clarifying question says: a wish, or a workshop's title."""
        if wish.startswith(TITLE):
            index = int(wish.removeprefix(TITLE))
            title = bookable[index].title if index < len(bookable) else ""
            return f"{WORKSHOP_LABEL}{title}"
        return WISH_OPTIONS[wish]

    async def _welcome(self, session: AsyncSession, t: Translator) -> list[str]:
        """The line's name, and the shop's (``VOICE_SHOP_NAME``, else the next venue)."""
        shop = self.settings.voice_shop_name.strip()
        if not shop:
            upcoming, _ = await upcoming_sessions(
                session, self.clock.now(), audience=None, offset=0, limit=1
            )
            shop = upcoming[0].venue if upcoming else ""
        if shop:
            return [t("voice.welcome"), t("voice.shop", shop=shop)]
        return [t("voice.welcome")]

    def _farewell(self, t: Translator, preface: list[str], turn: int = 0) -> Prompt:
        return Prompt((*preface, t("voice.goodbye")), (), False, False, (), t.language, turn)

    def _describe(self, t: Translator, workshop: Workshop) -> list[str]:
        day, hour = self._when(t, workshop)
        return [t("voice.title", title=workshop.title), t("voice.when", day=day, time=hour)]

    def _when(self, t: Translator, workshop: Workshop) -> tuple[str, str]:
        zone = self.settings.zone
        at = local(workshop.starts_at, zone)
        pattern = t("format.voice.hour") if at.minute == 0 else t("format.voice.hour_minutes")
        return day_in_words(workshop.starts_at, zone, t), format_time(
            at.time(), pattern, locale=t.language
        )

    @staticmethod
    def _seats(t: Translator, left: int) -> str:
        if left <= 0:
            return t("voice.full")
        if left == 1:
            return t("voice.one_seat")
        return t("voice.seats", count=left)

    async def _bookable(self, session: AsyncSession, call: VoiceCall) -> list[Workshop]:
        """Upcoming workshops with a seat left: the caller's town's first, then the nearest
        others, when the caller chose a town; else soonest first."""
        person = await session.get(Person, call.person_id)
        if person is not None and person.place_town:
            near, _ = await sessions_near(
                session,
                self.clock.now(),
                town=person.place_town,
                latitude=person.place_latitude,
                longitude=person.place_longitude,
                audience=None,
                offset=0,
                limit=LISTED,
            )
            return [item.session for item in near if item.session.seats_left > 0]
        page, _ = await upcoming_sessions(
            session, self.clock.now(), audience=None, offset=0, limit=LISTED
        )
        return [workshop for workshop in page if workshop.seats_left > 0]

    # Where: the town, when the workshops are in several.

    async def _to_town_or_workshop(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator
    ) -> None:
        """The workshops; first the town, by its number, when they are in several towns
        and the caller has not said theirs yet."""
        towns = await upcoming_towns(session, self.clock.now())
        if len(towns) > 1 and not person.place_town:
            return self._to_town(call, towns, [])
        return await self._to_workshop(session, call, t, 0)

    def _to_town(self, call: VoiceCall, towns: list[Town], preface: list[str]) -> None:
        names = [town.name for town in towns[:TOWN_KEYS]]
        return self._to(call, TOWN, {"towns": names, "preface": preface})

    async def _town_chosen(
        self, session: AsyncSession, call: VoiceCall, person: Person, t: Translator, key: str
    ) -> None:
        """A town's key, or a town or postcode said: its workshops first; else the towns again."""
        towns = await upcoming_towns(session, self.clock.now())
        names = [str(name) for name in (call.data or {}).get("towns", [])]
        if key.isdigit() and 1 <= int(key) <= len(names):
            town = next((x for x in towns if x.name == names[int(key) - 1]), None)
            if town is not None:
                person.place_town = town.name
                person.place_latitude, person.place_longitude = town.latitude, town.longitude
                return await self._to_workshop(session, call, t, 0)
        if key.startswith("said:"):
            await ready()
            place = read_place(key.removeprefix("said:"), [town.name for town in towns])
            if place is not None:
                said = folded(place.name)
                known = next((x.name for x in towns if folded(x.name) == said), place.name)
                person.place_town = known[:100]
                person.place_latitude, person.place_longitude = place.latitude, place.longitude
                return await self._to_workshop(session, call, t, 0)
        return self._to_town(call, towns, [t("voice.town_unknown")])

    def _writes_to(self, person: Person) -> bool:
        """Whether a booking made by phone is also sent in writing to this person."""
        if person.opted_out:  # STOP (or NON) said by text: no more texts
            return False
        if not may_text(person.external_id, self.settings.sms_allowed_regions):
            return False
        return person.channel != VOICE or self.writes_sms

    async def _close_others(
        self, session: AsyncSession, person_id: int, call_sid: str, now: datetime
    ) -> bool:
        """Close the person's other calls; True when one of them is still going on."""
        others = (
            await session.execute(
                select(VoiceCall).where(
                    VoiceCall.person_id == person_id,
                    VoiceCall.open.is_(True),
                    VoiceCall.call_sid != call_sid,
                )
            )
        ).scalars()
        busy = False
        for other in others:
            if now - other.updated_at < BUSY_WINDOW:
                busy = True
            else:
                other.open = False
        return busy

"""Booking for someone else ("Je réserve pour quelqu'un"): first name, then a mobile
number for the person's own SMS reminders, or none."""

from __future__ import annotations

from core.dialog import Reply, Rows
from core.errors import AlreadyBooked, BookingError
from core.phones import example_mobile
from core.seats.for_others import (
    ForOthersLimits,
    NotAMobileNumber,
    NotTextable,
    TooManyForOthers,
    book_for_other,
    check_room,
    first_name_of,
    refuse_seats_for,
)
from core.seats.reminders import ReminderRule
from core.understanding.intents import Reading, TextIntent, number_of, read
from core.understanding.thresholds import HIGH
from handlers.flows import describe
from handlers.flows.browse import refusal, visible_session
from handlers.flows.menu import menu_choices, stale_choice
from handlers.machinery.choices import BookForOther, OtherWithoutPhone, RefuseSeat, SessionCard
from handlers.machinery.context import Flow
from handlers.machinery.state import AwaitingOtherName, AwaitingOtherPhone, ForOtherAwaiting
from handlers.machinery.steps import answers
from models import Booking


def _expecting(flow: Flow) -> ForOtherAwaiting | None:
    """What is awaited, if the last screen was the question (not any screen since)."""
    waiting = flow.state.awaiting
    if not isinstance(waiting, ForOtherAwaiting):
        return None
    if flow.state.shown() != list(waiting.shown):
        flow.state.awaiting = None
        return None
    return waiting


def _shown(rows: Rows) -> tuple[str, ...]:
    """The data of the question's choices, to tell later whether it is still on screen."""
    return tuple(c.data for row in rows for c in row)


def _ask_name(flow: Flow, text: str, rows: Rows, session_id: int) -> Reply:
    flow.state.awaiting = AwaitingOtherName(session_id, shown=_shown(rows))
    return Reply(text, rows)


async def ask_name(flow: Flow, session_id: int) -> Reply:
    """The first step: whose seat is it?"""
    try:
        workshop = await visible_session(flow, session_id)
    except BookingError as error:
        return refusal(flow, error)
    if workshop.seats_left <= 0:
        return Reply(flow.t("book.other_full"), menu_choices(flow))
    try:  # told before typing a name and a number (checked again when booking)
        await check_room(
            flow.db, flow.person, session_id, flow.now, ForOthersLimits.of(flow.settings)
        )
    except TooManyForOthers:
        return Reply(flow.t("book.other_too_many"), menu_choices(flow))
    rows: Rows = (
        (flow.choice("button.back_to_workshop", SessionCard(session_id).pack()),),
        flow.menu_row(),
    )
    text = flow.t("book.other_name_prompt", summary=describe.summary(flow, workshop))
    return _ask_name(flow, text, rows, session_id)


def _phone_question(flow: Flow, session_id: int, name: str, key: str, **values: object) -> Reply:
    rows: Rows = (
        (flow.choice("button.no_phone", OtherWithoutPhone(session_id).pack()),),
        flow.menu_row(),
    )
    flow.state.awaiting = AwaitingOtherPhone(session_id, shown=_shown(rows), name=name)
    return Reply(flow.t(key, name=name, **values), rows)


def _not_textable(flow: Flow, session_id: int, name: str) -> Reply:
    """Asked again: a mobile number of the regions texts go to, with an example."""
    regions = flow.settings.sms_allowed_regions or [flow.settings.sms_default_region]
    example = example_mobile(regions[0])
    return _phone_question(flow, session_id, name, "book.other_not_mobile", example=example)


NOT_ASKED = frozenset({TextIntent.UNKNOWN, TextIntent.YES, TextIntent.NO})
"""Readings that answer no question of a name screen: "Manon" and "Noah" read as a no."""
ALWAYS_LEAVES = frozenset({TextIntent.STOP, TextIntent.FORGET})
"""A stop or an erase leaves the question however unsure (each has its own safeguards)."""


def leaves_the_question(reading: Reading) -> bool:
    """Whether a message written for a first name asks for something else instead ("menu",
    "annuler"): only a sure reading does; "Ana" or "Jade", read as a request at a guess, are
    names."""
    if reading.intent in ALWAYS_LEAVES:
        return True
    return reading.intent not in NOT_ASKED and reading.confidence >= HIGH


async def typed(flow: Flow, text: str, reading: Reading | None = None) -> Reply | None:
    """A first name or a number written in answer; None when nothing is awaited.

    ``reading`` is the message's language-free reading when it was already read."""
    waiting = _expecting(flow)
    if waiting is None:
        return None
    reading = reading or read(text)
    if isinstance(waiting, AwaitingOtherName):
        leaves = leaves_the_question(reading)
    else:
        leaves = reading.intent != TextIntent.UNKNOWN
    if leaves or number_of(text) is not None:
        return None  # "menu", "annuler", a choice's number: not an answer
    match waiting:
        case AwaitingOtherName(session_id=session_id):
            try:
                name = first_name_of(text)
            except BookingError as error:
                return _ask_name(flow, flow.t(error.key), (flow.menu_row(),), session_id)
            return _phone_question(flow, session_id, name, "book.other_phone_prompt")
        case AwaitingOtherPhone(session_id=session_id, name=name):
            return await _book(flow, session_id, name, text)
    return None


async def no_phone(flow: Flow, session_id: int) -> Reply:
    """'Pas de numéro': book with the first name alone."""
    waiting = flow.state.awaiting
    if not isinstance(waiting, AwaitingOtherPhone) or waiting.session_id != session_id:
        return stale_choice(flow)
    return await _book(flow, session_id, waiting.name, "")


async def _book(flow: Flow, session_id: int, name: str, phone: str) -> Reply:
    try:
        await book_for_other(
            flow.db,
            flow.person,
            session_id,
            name,
            phone,
            flow.now,
            ReminderRule.of(flow.settings),
            ForOthersLimits.of(flow.settings),
        )
    except NotAMobileNumber:
        return _phone_question(flow, session_id, name, "book.other_bad_phone")
    except NotTextable:
        return _not_textable(flow, session_id, name)
    except TooManyForOthers:
        flow.state.awaiting = None
        return Reply(flow.t("book.other_too_many"), menu_choices(flow))
    except AlreadyBooked:
        flow.state.awaiting = None
        return Reply(flow.t("book.other_already", name=name), menu_choices(flow))
    except BookingError as error:
        flow.state.awaiting = None
        return refusal(flow, error)
    flow.state.awaiting = None
    workshop = await visible_session(flow, session_id)
    text = flow.t("book.other_confirmed", name=name, summary=describe.details(flow, workshop))
    if phone.strip():
        text += "\n\n" + flow.t("book.other_sms", name=name)
    return Reply(text, menu_choices(flow))


async def refuse(flow: Flow, booking_id: int) -> Reply:
    """'Non' to the notice of a seat someone else booked for the person: it is cancelled,
    with any other seat booked for them, and nothing more is sent (as after STOP)."""
    booking = await flow.db.get(Booking, booking_id)
    if booking is None or booking.person_id != flow.person.id or booking.booked_by_id is None:
        return stale_choice(flow)  # the same answer as any unknown button
    return await stop_everything(flow)


async def stop_everything(flow: Flow) -> Reply:
    """STOP (or 'non' to a seat booked for them): no more messages until START; the seats
    others booked for the person are cancelled, each passed on to the waiting list."""
    cancelled = await refuse_seats_for(
        flow.db, flow.person, flow.now, flow.settings.offer_expiry_minutes
    )
    flow.person.opted_out = True
    return Reply(flow.t("optout.refused" if cancelled else "optout.stopped"))


# The choices this flow answers.


@answers(BookForOther)
async def _on_book_for_other(flow: Flow, choice: BookForOther) -> Reply:
    return await ask_name(flow, choice.session_id)


@answers(OtherWithoutPhone)
async def _on_other_without_phone(flow: Flow, choice: OtherWithoutPhone) -> Reply:
    return await no_phone(flow, choice.session_id)


@answers(RefuseSeat)
async def _on_refuse_seat(flow: Flow, choice: RefuseSeat) -> Reply:
    return await refuse(flow, choice.booking_id)

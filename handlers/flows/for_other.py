"""Booking for someone else ("Je réserve pour quelqu'un"): first name, then a mobile
number for the person's own SMS reminders, or none."""

from __future__ import annotations

from typing import Any

from core.dialog import Reply, Rows
from core.errors import AlreadyBooked, BookingError
from core.seats.for_others import NotAMobileNumber, book_for_other, first_name_of
from core.seats.reminders import ReminderRule
from core.understanding.intents import intent_of, number_of
from handlers.flows import describe
from handlers.flows.browse import refusal, visible_session
from handlers.flows.menu import menu_choices, stale_choice
from handlers.machinery.choices import BookForOther, OtherWithoutPhone, SessionCard
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers

AWAIT = "for_other"
"""The state key while the first name or the number is awaited."""


def _expecting(flow: Flow) -> dict[str, Any] | None:
    """What is awaited, if the last screen was the question (not any screen since)."""
    waiting: dict[str, Any] | None = flow.state.get(AWAIT)
    if waiting is None:
        return None
    shown = [entry[0] for entry in flow.state.get("choices", [])]
    if shown != waiting.get("shown"):
        flow.state.pop(AWAIT, None)
        return None
    return waiting


def _ask(flow: Flow, text: str, rows: Rows, **waiting: Any) -> Reply:
    flow.state[AWAIT] = {**waiting, "shown": [c.data for row in rows for c in row]}
    return Reply(text, rows)


async def ask_name(flow: Flow, session_id: int) -> Reply:
    """The first step: whose seat is it?"""
    try:
        workshop = await visible_session(flow, session_id)
    except BookingError as error:
        return refusal(flow, error)
    if workshop.seats_left <= 0:
        return Reply(flow.t("book.other_full"), menu_choices(flow))
    rows: Rows = (
        (flow.choice("button.back_to_workshop", SessionCard(session_id).pack()),),
        flow.menu_row(),
    )
    text = flow.t("book.other_name_prompt", summary=describe.summary(flow, workshop))
    return _ask(flow, text, rows, what="name", session=session_id)


def _phone_question(flow: Flow, session_id: int, name: str, key: str) -> Reply:
    rows: Rows = (
        (flow.choice("button.no_phone", OtherWithoutPhone(session_id).pack()),),
        flow.menu_row(),
    )
    return _ask(flow, flow.t(key, name=name), rows, what="phone", session=session_id, name=name)


async def typed(flow: Flow, text: str) -> Reply | None:
    """A first name or a number written in answer; None when nothing is awaited."""
    waiting = _expecting(flow)
    if waiting is None:
        return None
    if intent_of(text) is not None or number_of(text) is not None:
        return None  # "menu", "annuler", a choice's number: not an answer
    session_id = int(waiting["session"])
    if waiting["what"] == "name":
        try:
            name = first_name_of(text)
        except BookingError as error:
            rows = (flow.menu_row(),)
            return _ask(flow, flow.t(error.key), rows, what="name", session=session_id)
        return _phone_question(flow, session_id, name, "book.other_phone_prompt")
    return await _book(flow, session_id, str(waiting["name"]), text)


async def no_phone(flow: Flow, session_id: int) -> Reply:
    """'Pas de numéro': book with the first name alone."""
    waiting = flow.state.get(AWAIT) or {}
    if waiting.get("what") != "phone" or waiting.get("session") != session_id:
        return stale_choice(flow)
    return await _book(flow, session_id, str(waiting["name"]), "")


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
            flow.settings.sms_default_region,
        )
    except NotAMobileNumber:
        return _phone_question(flow, session_id, name, "book.other_bad_phone")
    except AlreadyBooked:
        flow.state.pop(AWAIT, None)
        return Reply(flow.t("book.other_already", name=name), menu_choices(flow))
    except BookingError as error:
        flow.state.pop(AWAIT, None)
        return refusal(flow, error)
    flow.state.pop(AWAIT, None)
    workshop = await visible_session(flow, session_id)
    text = flow.t("book.other_confirmed", name=name, summary=describe.details(flow, workshop))
    if phone.strip():
        text += "\n\n" + flow.t("book.other_sms", name=name)
    return Reply(text, menu_choices(flow))


# The choices this flow answers.


@answers(BookForOther)
async def _on_book_for_other(flow: Flow, choice: BookForOther) -> Reply:
    return await ask_name(flow, choice.session_id)


@answers(OtherWithoutPhone)
async def _on_other_without_phone(flow: Flow, choice: OtherWithoutPhone) -> Reply:
    return await no_phone(flow, choice.session_id)

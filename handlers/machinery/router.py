"""Routing: which step answers an event (a choice picked, a command, free text)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.dialog import Incoming, Intent, Kind, Reply
from core.seats import unread
from core.understanding.commands import Command, command_named
from core.understanding.intents import Reading, TextIntent, command_of, opt_out_of, read_both
from core.understanding.session_codes import session_id_in
from handlers.flows import admin as organiser
from handlers.flows import book, browse, cancel, for_other, menu, offers, presence
from handlers.flows import my_data as privacy
from handlers.machinery import actions
from handlers.machinery.context import Flow

log = logging.getLogger(__name__)

Step = Callable[[Flow, actions.Action], Awaitable[Reply]]


async def _menu(flow: Flow, action: actions.Action) -> Reply:
    return menu.main_menu(flow)


async def _help(flow: Flow, action: actions.Action) -> Reply:
    return menu.help_screen(flow)


async def _keep(flow: Flow, action: actions.Action) -> Reply:
    return menu.kept(flow)


async def _list(flow: Flow, action: actions.Action) -> Reply:
    return await browse.session_list(flow, action.number, action.audience)


async def _audience(flow: Flow, action: actions.Action) -> Reply:
    return await browse.audience_filter(flow)


async def _session(flow: Flow, action: actions.Action) -> Reply:
    return await browse.session_card(flow, action.number)


async def _book(flow: Flow, action: actions.Action) -> Reply:
    return await book.ask(flow, action.number)


async def _confirm(flow: Flow, action: actions.Action) -> Reply:
    return await book.confirm(flow, action.number)


async def _wait(flow: Flow, action: actions.Action) -> Reply:
    return await book.join_line(flow, action.number)


async def _mine(flow: Flow, action: actions.Action) -> Reply:
    return await cancel.my_bookings(flow)


async def _cancel_ask(flow: Flow, action: actions.Action) -> Reply:
    return await cancel.ask(flow, action.number)


async def _cancel_confirm(flow: Flow, action: actions.Action) -> Reply:
    return await cancel.confirm(flow, action.number)


async def _offer_accept(flow: Flow, action: actions.Action) -> Reply:
    return await offers.accept(flow, action.number)


async def _offer_decline(flow: Flow, action: actions.Action) -> Reply:
    return await offers.decline(flow, action.number)


async def _there(flow: Flow, action: actions.Action) -> Reply:
    return await presence.there(flow, action.number)


async def _privacy(flow: Flow, action: actions.Action) -> Reply:
    return privacy.notice(flow)


async def _forget(flow: Flow, action: actions.Action) -> Reply:
    return privacy.ask(flow)


async def _forget_confirm(flow: Flow, action: actions.Action) -> Reply:
    return await privacy.forget(flow)


async def _languages(flow: Flow, action: actions.Action) -> Reply:
    return menu.languages(flow)


async def _language(flow: Flow, action: actions.Action) -> Reply:
    return menu.set_language(flow, action.audience)


async def _admin(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.home(flow)


async def _admin_session(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.session_screen(flow, action.number)


async def _admin_roster(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.roster(flow, action.number)


async def _admin_present(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.attendance(flow, action.number, True)


async def _admin_absent(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.attendance(flow, action.number, False)


async def _admin_walk_in(flow: Flow, action: actions.Action) -> Reply:
    return organiser.ask(flow, "walk_in_name", action.number, "organiser.walk_in_name")


async def _admin_message(flow: Flow, action: actions.Action) -> Reply:
    return organiser.ask(flow, "message", action.number, "organiser.message_prompt")


async def _admin_move(flow: Flow, action: actions.Action) -> Reply:
    return organiser.ask(flow, "move", action.number, "organiser.move_prompt")


async def _admin_cancel(flow: Flow, action: actions.Action) -> Reply:
    return organiser.ask_cancel(flow, action.number)


async def _admin_cancel_confirm(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.cancel(flow, action.number)


async def _admin_seat_cancel(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.ask_cancel_seat(flow, action.number)


async def _admin_seat_cancel_confirm(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.cancel_one_seat(flow, action.number)


async def _admin_confirm(flow: Flow, action: actions.Action) -> Reply:
    return await organiser.confirmed(flow)


async def _for_other(flow: Flow, action: actions.Action) -> Reply:
    return await for_other.ask_name(flow, action.number)


async def _other_no_phone(flow: Flow, action: actions.Action) -> Reply:
    return await for_other.no_phone(flow, action.number)


STEPS: dict[str, Step] = {
    # A person's way through: menu, list, card, book, confirm; their bookings and cancelling.
    actions.MENU: _menu,
    actions.HELP: _help,
    actions.KEEP: _keep,
    actions.LIST: _list,
    actions.AUDIENCE: _audience,
    actions.SESSION: _session,
    actions.BOOK: _book,
    actions.CONFIRM: _confirm,
    actions.WAIT: _wait,
    actions.MINE: _mine,
    actions.CANCEL_ASK: _cancel_ask,
    actions.CANCEL_CONFIRM: _cancel_confirm,
    # Booking for someone else: their first name, then their number or none.
    actions.FOR_OTHER: _for_other,
    actions.OTHER_NO_PHONE: _other_no_phone,
    # Answers to queued notices: a freed seat offered, the reminder's "I'll be there".
    actions.OFFER_ACCEPT: _offer_accept,
    actions.OFFER_DECLINE: _offer_decline,
    actions.THERE: _there,
    # Their data and their language.
    actions.PRIVACY: _privacy,
    actions.FORGET: _forget,
    actions.FORGET_CONFIRM: _forget_confirm,
    actions.LANGUAGES: _languages,
    actions.LANGUAGE: _language,
    # Organisers only (checked in on_choice).
    actions.ADMIN: _admin,
    actions.ADMIN_SESSION: _admin_session,
    actions.ADMIN_ROSTER: _admin_roster,
    actions.ADMIN_PRESENT: _admin_present,
    actions.ADMIN_ABSENT: _admin_absent,
    actions.ADMIN_WALK_IN: _admin_walk_in,
    actions.ADMIN_MESSAGE: _admin_message,
    actions.ADMIN_MOVE: _admin_move,
    actions.ADMIN_CANCEL: _admin_cancel,
    actions.ADMIN_CANCEL_CONFIRM: _admin_cancel_confirm,
    actions.ADMIN_SEAT_CANCEL: _admin_seat_cancel,
    actions.ADMIN_SEAT_CANCEL_CONFIRM: _admin_seat_cancel_confirm,
    actions.ADMIN_CONFIRM: _admin_confirm,
}
"""Each choice a person can pick, and the step that answers it."""


async def on_choice(flow: Flow, data: str) -> list[Reply]:
    """A button or numbered line was picked."""
    action = actions.decode(data)
    if action is None:
        return [menu.stale_choice(flow)]
    if action.name in actions.ADMIN_ACTIONS and not organiser.is_organiser(flow):
        return [menu.stale_choice(flow)]  # the same answer as any unknown button
    return [await STEPS[action.name](flow, action)]


def _remembered(flow: Flow, *, number: int) -> str | None:
    """The data of the choice numbered ``number`` on the last screen."""
    choices: list[list[Any]] = flow.state.get("choices", [])
    if 1 <= number <= len(choices):
        return str(choices[number - 1][0])
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


TITLE_LAST = frozenset(
    {TextIntent.CANCEL, TextIntent.FORGET, TextIntent.STOP, TextIntent.HELP, TextIntent.EXPLAIN}
)
"""Intents read before a workshop title: the screens they open are what was asked for."""


YES_CHOICES = (actions.THERE, actions.OFFER_ACCEPT)
NO_CHOICES = (actions.OFFER_DECLINE,)
"""Notices that ask a question without yes/no buttons: "I'll be there", a freed seat offered."""


def _answer(flow: Flow, yes: bool) -> str | None:
    """The data of the choice that answers yes (or no) on the last screen, if it asks."""
    choices: list[list[Any]] = flow.state.get("choices", [])
    wanted, names = (Intent.YES, YES_CHOICES) if yes else (Intent.NO, NO_CHOICES)
    for entry in choices:
        if entry[1] == wanted:
            return str(entry[0])
    for entry in choices:
        if str(entry[0]).split(":")[0] in names:
            return str(entry[0])
    return None


def _asks_yes_no(flow: Flow) -> bool:
    """Whether the last screen asked a yes/no question."""
    return _answer(flow, True) is not None


async def on_text(flow: Flow, text: str) -> list[Reply]:
    """Something written."""
    readings = read_both(text, flow.person.language)  # each message goes through once
    # STOP is read the same in every language, as the SMS provider's rules are
    stop = opt_out_of(text, reading=readings.neutral)
    if stop is not None and (stop or flow.person.opted_out):
        return on_opt_out(flow, stop)
    if flow.person.opted_out:
        return []  # after STOP, only START gets an answer
    command = command_of(text)
    named = command_named(command[0]) if command is not None else None
    if command is not None and named == Command.START:
        return await on_start(flow, command[1])
    if stop is False:  # START while messages are on: nothing to resume, here is the menu
        return [menu.welcome(flow)] if flow.first_contact else [menu.main_menu(flow)]
    if organiser.is_organiser(flow):
        if named == Command.ORGANISER:
            return [await organiser.home(flow)]
        answer = await organiser.typed(flow, text)
        if answer is not None:
            return [answer]
    coded = session_id_in(text)
    if coded is not None:  # a poster's code, written on any channel
        if flow.first_contact:  # the welcome first, as after the Telegram deep link
            return await on_start(flow, f"s{coded}")
        return [await browse.session_card(flow, coded)]
    if flow.first_contact:
        return [menu.welcome(flow)]
    answer = await for_other.typed(flow, text, readings.neutral)  # a first name or a number
    if answer is not None:
        return [answer]
    return await _in_context(flow, text, readings.own)


async def _in_context(flow: Flow, text: str, reading: Reading) -> list[Reply]:
    """A reading on the screen the person is looking at."""
    intent = reading.intent
    if intent == TextIntent.NUMBER and reading.number is not None:
        data = _remembered(flow, number=reading.number)
        return await on_choice(flow, data) if data is not None else [menu.ask_again(flow)]
    if intent in (TextIntent.YES, TextIntent.NO):
        data = _answer(flow, intent == TextIntent.YES)
        if data is not None and _asks_yes_no(flow):
            return await on_choice(flow, data)
        if intent == TextIntent.YES:  # a yes acts only on a screen that asks yes/no
            return [menu.ask_again(flow)]
        return [menu.kept(flow)] if _asks_yes_no(flow) else [menu.main_menu(flow)]
    if len(text.split()) >= 3 and intent not in TITLE_LAST:  # a title before looser readings
        session_id = await browse.session_named(flow, text)
        if session_id is not None:
            return [await browse.session_card(flow, session_id)]
    answer = await _screen(flow, reading)
    if answer is not None:
        return [answer]
    session_id = await browse.session_named(flow, text)
    if session_id is not None:
        return [await browse.session_card(flow, session_id)]
    if intent == TextIntent.SESSION:
        return [await browse.session_list(flow)]
    await unread.remember(flow.db, text, flow.person.language or "", flow.now, flow.person.name)
    log.info("text not understood (%d characters)", len(text))
    return [menu.ask_again(flow)]


async def _screen(flow: Flow, reading: Reading) -> Reply | None:
    """The screen an intent opens; None when the intent opens none."""
    intent, topic = reading.intent, reading.topic
    if intent == TextIntent.CANCEL or (intent == TextIntent.HELP and topic == TextIntent.CANCEL):
        return await cancel.start(flow)  # a screen that asks to confirm, never an act
    if intent == TextIntent.FORGET:
        return privacy.ask(flow)
    if intent == TextIntent.MY_BOOKINGS:
        return await cancel.my_bookings(flow)
    if intent == TextIntent.WORKSHOPS:
        return await browse.session_list(flow)
    simple = {
        TextIntent.MENU: menu.main_menu,
        TextIntent.HELP: menu.help_screen,
        TextIntent.PRIVACY: privacy.notice,
        TextIntent.LANGUAGE: menu.languages,
        TextIntent.EXPLAIN: menu.explain,
    }
    step = simple.get(intent)
    return step(flow) if step is not None else None


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

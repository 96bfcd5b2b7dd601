"""Routing: which step answers an event (a choice picked, a command, free text)."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Awaitable, Callable

from core.dialog import Incoming, Intent, Kind, Reply
from core.errors import BookingError
from core.places import asks_to_change_town
from core.seats import labels, unread, weekly
from core.understanding.commands import Command, command_named
from core.understanding.describing import may_pick, one_stands_for_a_workshop
from core.understanding.intents import (
    Readings,
    TextIntent,
    command_of,
    opt_out_of,
    read_both,
)
from core.understanding.learned import using
from core.understanding.pipeline import unsure
from core.understanding.reading import Reading
from core.understanding.screens import SCREEN, Expects, read_on
from core.understanding.session_codes import session_id_in
from core.understanding.thresholds import LOW
from handlers import flows
from handlers.flows import admin as organiser
from handlers.flows import browse, clarify, for_other, menu, towns
from handlers.machinery.choices import (
    AcceptOffer,
    ChoiceData,
    DeclineOffer,
    RefuseSeat,
    SessionCard,
    WillCome,
)
from handlers.machinery.context import Flow
from handlers.machinery.screens import main_action, screen_of
from handlers.machinery.steps import step_for

log = logging.getLogger(__name__)


def _load_flows() -> None:
    """Import every flow module, so that each registers the choices it answers."""
    for info in pkgutil.iter_modules(flows.__path__):
        importlib.import_module(f"{flows.__name__}.{info.name}")


_load_flows()


async def on_choice(flow: Flow, data: str) -> list[Reply]:
    """A button or numbered line was picked: the step its flow registered answers it."""
    choice = ChoiceData.parse(data)
    if choice is None:
        return [menu.stale_choice(flow)]
    if choice.organisers_only and not await organiser.is_organiser(flow):
        return [menu.stale_choice(flow)]  # the same answer as any unknown button
    return [await step_for(choice)(flow, choice)]


def _remembered(flow: Flow, *, number: int) -> str | None:
    """The data of the choice numbered ``number`` on the last screen."""
    choices = flow.state.choices
    if 1 <= number <= len(choices):
        return choices[number - 1].data
    return None


async def on_start(flow: Flow, payload: str) -> list[Reply]:
    """/start, maybe with a poster's deep link payload: 's<SESSION_ID>' opens a session,
    'v<VENUE_ID>' the sessions of that venue's town first."""
    card_of = (
        ChoiceData.parse(f"{SessionCard.prefix}:{payload[1:]}") if payload[:1] == "s" else None
    )
    if isinstance(card_of, SessionCard):
        if flow.compact:  # SMS: the welcome, then the card that OUI answers
            card = await browse.session_card(flow, card_of.session_id)
            return [menu.welcome_text(flow), card]
        return [await browse.poster_card(flow, card_of.session_id)]
    venue_id = int(payload[1:]) if payload[:1] == "v" and payload[1:].isdigit() else None
    if venue_id is not None and 0 < venue_id < 2**31:  # a venue's poster: its sessions first
        near = await towns.at_venue(flow, venue_id)
        if near is not None:
            return [menu.welcome_text(flow), near]
    return [menu.welcome(flow)]


async def on_opt_out(flow: Flow, stop: bool) -> list[Reply]:
    """STOP: no more messages until START, and the seats others booked for the person
    are cancelled (passed on); START: welcome back."""
    if stop:
        return [await for_other.stop_everything(flow)]
    flow.person.opted_out = False
    return [Reply(flow.t("optout.resumed"), menu.menu_choices(flow))]


TITLE_LAST = frozenset(
    {TextIntent.CANCEL, TextIntent.FORGET, TextIntent.STOP, TextIntent.HELP, TextIntent.EXPLAIN}
)
"""Intents read before a workshop title: the screens they open are what was asked for."""


YES_CHOICES: tuple[type[ChoiceData], ...] = (WillCome, AcceptOffer)
NO_CHOICES: tuple[type[ChoiceData], ...] = (DeclineOffer, RefuseSeat)
"""Notices that ask a question without yes/no buttons: "I'll be there", a freed seat offered."""


def _answer(flow: Flow, yes: bool) -> str | None:
    """The data of the choice that answers yes (or no) on the last screen, if it asks."""
    choices = flow.state.choices
    wanted, names = (Intent.YES, YES_CHOICES) if yes else (Intent.NO, NO_CHOICES)
    for entry in choices:
        if entry.intent == wanted:
            return entry.data
    for entry in choices:
        if isinstance(ChoiceData.parse(entry.data), names):
            return entry.data
    return None


def _asks_yes_no(flow: Flow) -> bool:
    """Whether the last screen asked a yes/no question."""
    return _answer(flow, True) is not None


async def on_text(flow: Flow, text: str) -> list[Reply]:
    """Something written: read once, then each reader of TEXT_READERS in turn, until one
    answers."""
    language = flow.person.language or ""
    await weekly.count_read(flow.db, language, flow.now)
    with using(await labels.learned(flow.db, flow.now)):  # what the organisers taught
        readings = read_both(text, flow.person.language)  # each message goes through once
        for reader in TEXT_READERS:
            answer = await reader(flow, text, readings)
            if answer is not None:
                return answer
    return [menu.ask_again(flow)]  # not reached: the last reader always answers


async def _stop_or_start(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """STOP stops everything; START resumes, or is the menu when nothing was stopped."""
    stop = opt_out_of(text, reading=readings.neutral)  # the same in every language
    if stop is None:
        return None
    if stop or flow.person.opted_out:
        return await on_opt_out(flow, stop)
    if command_of(text) is not None:  # "/start": the welcome, as when the chat opened
        return await on_start(flow, "")
    return [menu.welcome(flow)] if flow.first_contact else [menu.main_menu(flow)]


async def _silent_after_stop(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """After STOP, only START gets an answer."""
    return [] if flow.person.opted_out else None


async def _start_command(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """'/start s12': Telegram's link from a poster, or /start written by hand."""
    command = command_of(text)
    if command is None or command_named(command[0]) != Command.START:
        return None
    return await on_start(flow, command[1])


async def _organiser_typed(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """/admin, or what an organiser was just asked to type (a name, a message, a date).

    Who is an organiser is asked of the database only then, not for every message."""
    command = command_of(text)
    asks_home = command is not None and command_named(command[0]) == Command.ORGANISER
    if not (asks_home or organiser.asked_to_type(flow)) or not await organiser.is_organiser(flow):
        return None
    if asks_home:
        return [await organiser.home(flow)]
    answer = await organiser.typed(flow, text)
    return [answer] if answer is not None else None


async def _poster_code(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """'ATELIER 12', a poster's code, written on any channel."""
    coded = session_id_in(text)
    if coded is None:
        return None
    if flow.first_contact:  # the welcome first, as after the Telegram deep link
        return await on_start(flow, f"s{coded}")
    return [await browse.session_card(flow, coded, asks=True)]  # chosen: the card asks


async def _first_contact(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """A first message, whatever it says: the welcome, which says what the bot does."""
    return [menu.welcome(flow)] if flow.first_contact else None


async def _other_typed(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """The first name or the number of the person a seat is booked for, when asked."""
    answer = await for_other.typed(flow, text, readings.neutral)
    return [answer] if answer is not None else None


NOT_A_PLACE = frozenset(
    {
        TextIntent.MENU,
        TextIntent.CANCEL,
        TextIntent.HELP,
        TextIntent.EXPLAIN,
        TextIntent.STOP,
        TextIntent.MY_BOOKINGS,
        TextIntent.FORGET,
        TextIntent.PRIVACY,
        TextIntent.LANGUAGE,
        TextIntent.WORKSHOPS,
        TextIntent.YES,
        TextIntent.NO,
    }
)
"""Intents that keep their meaning on the town question: "menu" is not a town."""
_POSTCODE = re.compile(r"\b\d{5}\b")


async def _town_typed(flow: Flow, text: str, readings: Readings) -> list[Reply] | None:
    """ "Changer de ville" anywhere; on the town question, a town or a postcode written."""
    if asks_to_change_town(text):
        answer = await towns.change(flow)
        return [answer] if answer is not None else None
    if not towns.asked(flow):
        return None
    own = readings.own
    intent = own.intent
    guessed = own.by == "classifier" and own.confidence < LOW  # "vers tionvile": a town
    if (intent in NOT_A_PLACE and not guessed) or (
        intent == TextIntent.NUMBER and not _POSTCODE.search(text)
    ):
        return None
    return [await towns.typed(flow, text)]


Reader = Callable[[Flow, str, Readings], Awaitable[list[Reply] | None]]
"""Reads a written message: the replies, or None when the message is not for it."""


async def _in_context(flow: Flow, text: str, readings: Readings) -> list[Reply]:
    """A reading, in the person's language, on the screen the person is looking at
    (``core.understanding.screens``: the screen's expectation, the context-free reading as
    the floor); an unsure reading is asked about (``handlers.flows.clarify``)."""
    screen = screen_of(flow.state)
    reading = readings.own
    if screen.expects != Expects.ANYTHING:
        reading = read_on(text, screen, flow.person.language, reading)
    intent = reading.intent
    one = reading.number == 1 and one_stands_for_a_workshop(text, flow.person.language)
    if intent == TextIntent.NUMBER and reading.number is not None and not one:
        data = _remembered(flow, number=reading.number)
        if data is not None and reading.by == SCREEN and screen.expects == Expects.LIST:
            asked = await _number_against_description(flow, text, readings.own, data)
            if asked is not None:  # "ma fille a 9 ans et je veux contrôler ses vidéos"
                return [asked]
        return await on_choice(flow, data) if data is not None else [menu.ask_again(flow)]
    action = main_action(flow.state) if screen.expects == Expects.CARD else None
    if intent == TextIntent.YES and action is not None:  # "ouais je prends" on a card
        return await on_choice(flow, action)
    listed = screen.expects == Expects.LIST
    described = await _described(flow, text, reading, one=one, listed=listed)
    if described is not None:
        return [described]
    if intent == TextIntent.NUMBER and reading.number is not None:  # "the one", nothing described
        data = _remembered(flow, number=reading.number)
        return await on_choice(flow, data) if data is not None else [menu.ask_again(flow)]
    offered = unsure(reading)
    if offered is not None and (
        intent != TextIntent.UNKNOWN or screen.expects == Expects.ANYTHING
    ):  # "Vous voulez : 1. Annuler votre place 2. Voir vos inscriptions"
        return [clarify.ask(flow, text, offered)]
    if intent in (TextIntent.YES, TextIntent.NO):
        data = _answer(flow, intent == TextIntent.YES)
        if data is not None and _asks_yes_no(flow):
            return await on_choice(flow, data)
        if intent == TextIntent.YES:  # a yes acts only on a screen that asks yes/no
            return [menu.ask_again(flow)]
        return [menu.kept(flow)] if _asks_yes_no(flow) else [menu.main_menu(flow)]
    title_first = len(text.split()) >= 3 and intent not in TITLE_LAST
    if title_first:  # a title before looser readings
        session_id = await browse.session_named(flow, text)
        if session_id is not None:
            return [await browse.session_card(flow, session_id)]
    answer = await clarify.open_screen(flow, reading)
    if answer is not None:
        return [answer]
    if not title_first:  # else the titles were searched already, in vain
        session_id = await browse.session_named(flow, text)
        if session_id is not None:
            return [await browse.session_card(flow, session_id)]
    if intent == TextIntent.SESSION:
        return [await browse.session_list(flow)]
    await unread.remember(flow.db, text, flow.person.language or "", flow.now, flow.person.name)
    log.info("text not understood (%d characters)", len(text))
    return [menu.ask_again(flow)]


async def _described(
    flow: Flow, text: str, reading: Reading, *, one: bool, listed: bool
) -> Reply | None:
    """A workshop named by its title or described ("celui pour parler avec mes petits-enfants
    en vidéo", ``core.understanding.describing``): its card; two close ones: which of them;
    else None. Only for a reading that may be a description (never a cancel, an erase, one's
    bookings or a question about data unless it points at a workshop, nor a yes answering a
    question), and never when an act is among the readings to ask about. Off the list, asking
    for the workshops ("what classes do you run? my mum struggles with her phone") is asked
    for the list, unless the message points at one ("the one about the tax website")."""
    if reading.intent == TextIntent.YES and _asks_yes_no(flow):
        return None
    if not may_pick(reading, text, flow.person.language, one=one, listed=listed):
        return None
    found = await browse.sessions_described(flow, text)
    if len(found) == 1:
        return await browse.session_card(flow, found[0].id)
    if len(found) == 2:
        return clarify.between(flow, found)
    return None


async def _number_against_description(
    flow: Flow, text: str, floor: Reading, data: str
) -> Reply | None:
    """A number found inside a sentence (an age, "someone" in darija) may be no choice at
    all: when the same sentence describes another workshop of the list, both are offered
    instead of opening the numbered one; None when it describes none or the same one."""
    numbered = ChoiceData.parse(data)
    if not isinstance(numbered, SessionCard):
        return None
    if not may_pick(floor, text, flow.person.language, listed=True):
        return None
    found = await browse.sessions_described(flow, text)
    if not found or any(session.id == numbered.session_id for session in found):
        return None
    try:
        session = await browse.visible_session(flow, numbered.session_id)
    except BookingError:  # gone since the list was shown: its card says why
        return None
    return clarify.between(flow, [session, found[0]])


TEXT_READERS: tuple[Reader, ...] = (
    # STOP and START first, in every language and in any state of the conversation: the
    # SMS providers' rules (and the law on texts) say a STOP is always obeyed and START
    # always resumes, even halfway through a question or before any welcome.
    _stop_or_start,
    # Then silence: after STOP nothing else may get an answer, not even a poster code.
    _silent_after_stop,
    # A command means itself: "/start s12" (a poster's Telegram link) opens that session
    # even while a first name or a message is awaited.
    _start_command,
    # An organiser's typed answers before anything that reads the words: the message to
    # send or the walk-in's name is taken as typed, even "Atelier 3" or "annuler", which
    # would otherwise open a session card or a cancellation.
    _organiser_typed,
    # Poster codes before the first-contact welcome: a code as the very first message
    # gets the welcome and that session's card, as the Telegram deep link does.
    _poster_code,
    # Any other first message gets the welcome: the person cannot yet know what to write,
    # and nothing can be awaited from them.
    _first_contact,
    # A first name or a number asked for, before the words are read in context: a name
    # such as "Rose" or "Ali" could be read as a workshop's title or a request. (It lets
    # "menu", "annuler" and a choice's number through itself.)
    _other_typed,
    # On the town question, a town or a postcode is read as the answer before the words'
    # other meanings ("Metz" is no workshop title); "menu" or a choice's number pass.
    _town_typed,
    # Last, the message read against the screen on show: a number, yes/no, a workshop's
    # title, an intent; it always answers, with the question again when not understood.
    _in_context,
)
"""The order in which a written message is tried: the first reader that answers wins."""


async def route(flow: Flow, incoming: Incoming) -> list[Reply]:
    """Send an event to the step that handles it."""
    # A clarifying question waits one message only: its answer sees what it was about.
    flow.state.answering, flow.state.asked = flow.state.asked, ""
    if flow.person.opted_out and (incoming.kind != Kind.TEXT or not incoming.text.strip()):
        return []  # after STOP, only START gets an answer
    if incoming.kind == Kind.CHOICE:
        return await on_choice(flow, incoming.choice)
    if incoming.latitude is not None and incoming.longitude is not None:
        return [await towns.located(flow, incoming.latitude, incoming.longitude)]
    if incoming.kind == Kind.OTHER or not incoming.text.strip():
        if flow.first_contact:
            return [menu.welcome(flow)]
        return [menu.not_text(flow, incoming.media)]
    return await on_text(flow, incoming.text)

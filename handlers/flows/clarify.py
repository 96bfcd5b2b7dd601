"""Asking when unsure: one short question with the two best readings as numbered choices.

"Vous voulez : 1. Annuler votre place 2. Voir vos inscriptions". The choices are buttons on
Telegram and WhatsApp and numbers by SMS; an answer opens that reading's screen, which for a
cancel or an erase is still its confirmation question: nothing acts from the answer alone.
"""

from __future__ import annotations

from core.dialog import Choice, Reply
from core.seats import labels
from core.understanding.intents import Reading, TextIntent
from core.understanding.screens import Expects
from handlers.flows import browse, cancel, describe, menu
from handlers.flows import my_data as privacy
from handlers.machinery.choices import Clarified, SessionCard
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers
from models import WorkshopSession


def ask(flow: Flow, text: str, offered: tuple[TextIntent, TextIntent]) -> Reply:
    """The question, naming the two readings; the message is kept until it is answered."""
    flow.state.asked = text
    rows = tuple(
        (Choice(flow.t(f"clarify.{intent.value}"), Clarified(intent.value).pack()),)
        for intent in offered
    )
    return Reply(flow.t("clarify.ask"), (*rows, flow.menu_row()), expects=Expects.LIST.value)


def between(flow: Flow, sessions: list[WorkshopSession]) -> Reply:
    """The same question about two workshops a description hesitates between ("Vous voulez :
    1. Appeler ses proches en vidéo 2. Bien utiliser WhatsApp"); the answer opens that
    workshop's card."""
    rows = tuple(
        (Choice(describe.button_label(flow, workshop), SessionCard(workshop.id).pack()),)
        for workshop in sessions
    )
    return Reply(flow.t("clarify.ask"), (*rows, flow.menu_row()), expects=Expects.LIST.value)


async def open_screen(flow: Flow, reading: Reading) -> Reply | None:
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


@answers(Clarified)
async def _on_clarified(flow: Flow, choice: Clarified) -> Reply:
    """The reading the person picked: its screen (a confirmation for an act)."""
    if flow.state.answering:  # the message asked about: now a labelled example, if the gate agrees
        await labels.keep_clarified(
            flow.db,
            flow.state.answering,
            flow.person.language,
            choice.intent,
            flow.now,
            name=flow.person.name,
        )
    opened = await open_screen(flow, Reading(TextIntent(choice.intent)))
    return opened if opened is not None else menu.main_menu(flow)

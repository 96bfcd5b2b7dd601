"""Welcome, main menu, help, and the kind answer to anything not understood."""

from __future__ import annotations

from core.dialog import Choice, Intent, Reply, Rows
from core.i18n import LANGUAGE_NAMES, LANGUAGES, LATIN_LANGUAGE_NAMES, Translator
from core.understanding.screens import Expects
from handlers.machinery.choices import (
    AskToBook,
    ChoiceData,
    ConfirmBooking,
    Help,
    Keep,
    Languages,
    Menu,
    MyBookings,
    PrivacyNotice,
    SessionCard,
    SessionList,
    SpeakLanguage,
)
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers

MAIN_BUTTONS = ("button.workshops", "button.my_bookings", "button.help")


def menu_choices(flow: Flow) -> Rows:
    """The three main choices (and the language, where there are buttons)."""
    rows: Rows = (
        (flow.choice("button.workshops", SessionList(0).pack()),),
        (flow.choice("button.my_bookings", MyBookings().pack()),),
        (flow.choice("button.help", Help().pack()),),
    )
    if flow.compact:  # SMS: "1, 2 or 3"; LANGUE changes the language
        return rows
    return (*rows, (flow.choice("button.language", Languages().pack()),))


def _hello(flow: Flow) -> str:
    name = flow.person.name.strip()
    return flow.t("menu.hello_name", name=name) if name else flow.t("menu.hello")


def _welcome_text(flow: Flow) -> str:
    return flow.t("menu.welcome", hello=_hello(flow))


def poster_welcome(flow: Flow) -> str:
    """The welcome's lines above a poster's session card (what this is, what is kept)."""
    return flow.t("menu.welcome_poster", hello=_hello(flow))


def welcome(flow: Flow) -> Reply:
    """The first message a person gets: what this is, what is kept, and the menu.

    Where the channel has one, a keyboard with the three main choices stays on screen,
    for people who do not see the buttons under a message. Its note comes once: the
    keyboard stays, and a second note would only push the welcome up.
    """
    if flow.state.keyboard_shown:
        return Reply(_welcome_text(flow), menu_choices(flow))
    flow.state.keyboard_shown = True
    return Reply(
        _welcome_text(flow),
        menu_choices(flow),
        keyboard=tuple(flow.t(key) for key in MAIN_BUTTONS),
        keyboard_note=flow.t("menu.keyboard_note"),
    )


def welcome_text(flow: Flow) -> Reply:
    """The welcome without choices (when a session card follows)."""
    return Reply(_welcome_text(flow))


def main_menu(flow: Flow) -> Reply:
    """The main menu."""
    return Reply(flow.t("menu.prompt"), menu_choices(flow))


def help_screen(flow: Flow) -> Reply:
    """How the bot works, in a few short sentences; the way to the privacy notice."""
    privacy = (flow.choice("button.privacy", PrivacyNotice().pack()),)
    return Reply(flow.t("menu.help"), (*menu_choices(flow), privacy))


def not_understood(flow: Flow) -> Reply:
    """A kind answer to text the bot did not understand."""
    return Reply(flow.t("menu.not_understood"), menu_choices(flow))


def not_text(flow: Flow, media: str = "") -> Reply:
    """A kind answer to a sticker, a voice message, a photo."""
    key = NOT_TEXT.get(media, "menu.not_text")
    return Reply(flow.t(key), menu_choices(flow))


NOT_TEXT = {"voice": "menu.not_text_voice", "sticker": "menu.not_text_sticker"}


def languages(flow: Flow) -> Reply:
    """The choice of language, each name written in its own language."""
    names = LATIN_LANGUAGE_NAMES if flow.compact else LANGUAGE_NAMES
    rows = tuple((Choice(names[code], SpeakLanguage(code).pack()),) for code in LANGUAGES)
    return Reply(flow.t("language.prompt"), (*rows, flow.menu_row()))


def set_language(flow: Flow, code: str) -> Reply:
    """Speak ``code`` from now on (remembered with the person)."""
    flow.person.language = code
    flow.t = Translator(code, flow.t.variant)
    return Reply(flow.t("language.changed"), menu_choices(flow))


EXPLANATIONS = {
    "confirm": "explain.confirm",
    "list": "explain.list",
    "card": "explain.card",
    "card_yes": "explain.card_yes",
    "menu": "explain.menu",
}


def explain(flow: Flow) -> Reply:
    """The last screen again, explained more simply ("?", "je ne sais pas")."""
    remembered = flow.state.choices
    if not remembered:
        return help_screen(flow)
    choices = [Choice(entry.label, entry.data, entry.intent) for entry in remembered]
    kinds = {type(ChoiceData.parse(choice.data)) for choice in choices}
    if flow.state.screen == Expects.CARD.value and isinstance(
        ChoiceData.parse(choices[0].data), ConfirmBooking
    ):
        step = "card_yes" if not flow.compact else "confirm"  # "Oui, je réserve" on the card
    elif any(choice.intent == Intent.YES for choice in choices):
        step = "confirm"
    elif SessionCard in kinds:
        step = "list"
    elif AskToBook in kinds:
        step = "card"
    elif MyBookings in kinds:
        step = "menu"
    else:
        step = ""
    text = flow.t(EXPLANATIONS.get(step, "explain.generic"))
    rows = tuple((choice,) for choice in choices if choice.label)
    return Reply(text, rows, expects=flow.state.screen)  # the same screen, said more simply


def ask_again(flow: Flow) -> Reply:
    """Not understood: the current step's question again, more simply, with its choices."""
    if not flow.state.choices:
        return not_understood(flow)
    again = explain(flow)
    return Reply(f"{flow.t('understand.again')}\n{again.text}", again.choices)


def stale_choice(flow: Flow) -> Reply:
    """A button whose data the bot cannot use."""
    return Reply(flow.t("error.stale_button"), menu_choices(flow))


def kept(flow: Flow) -> Reply:
    """The answer to 'no' on a confirmation: nothing changed."""
    return Reply(flow.t("menu.nothing_changed"), menu_choices(flow))


# The choices this flow answers.


@answers(Menu)
async def _on_menu(flow: Flow, choice: Menu) -> Reply:
    return main_menu(flow)


@answers(Help)
async def _on_help(flow: Flow, choice: Help) -> Reply:
    return help_screen(flow)


@answers(Keep)
async def _on_keep(flow: Flow, choice: Keep) -> Reply:
    return kept(flow)


@answers(Languages)
async def _on_languages(flow: Flow, choice: Languages) -> Reply:
    return languages(flow)


@answers(SpeakLanguage)
async def _on_speak_language(flow: Flow, choice: SpeakLanguage) -> Reply:
    return set_language(flow, choice.code)

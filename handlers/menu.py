"""Welcome, main menu, help, and the kind answer to anything not understood."""

from __future__ import annotations

from bot.dialog import Reply, Rows
from handlers import actions
from handlers.context import Flow


def menu_choices(flow: Flow) -> Rows:
    """The three main choices."""
    return (
        (flow.choice("button.workshops", actions.encode(actions.LIST, 0)),),
        (flow.choice("button.my_bookings", actions.MINE),),
        (flow.choice("button.help", actions.HELP),),
    )


def _welcome_text(flow: Flow) -> str:
    name = flow.person.name.strip()
    hello = flow.t("menu.hello_name", name=name) if name else flow.t("menu.hello")
    return flow.t("menu.welcome", hello=hello)


def welcome(flow: Flow) -> Reply:
    """The first message a person gets: what this is, what is kept, and the menu."""
    return Reply(_welcome_text(flow), menu_choices(flow))


def welcome_text(flow: Flow) -> Reply:
    """The welcome without choices (when a session card follows)."""
    return Reply(_welcome_text(flow))


def main_menu(flow: Flow) -> Reply:
    """The main menu."""
    return Reply(flow.t("menu.prompt"), menu_choices(flow))


def help_screen(flow: Flow) -> Reply:
    """How the bot works, in a few short sentences; the way to the privacy notice."""
    privacy = (flow.choice("button.privacy", actions.PRIVACY),)
    return Reply(flow.t("menu.help"), (*menu_choices(flow), privacy))


def not_understood(flow: Flow) -> Reply:
    """A kind answer to text the bot did not understand."""
    return Reply(flow.t("menu.not_understood"), menu_choices(flow))


def not_text(flow: Flow) -> Reply:
    """A kind answer to a sticker, a voice message, a photo."""
    return Reply(flow.t("menu.not_text"), menu_choices(flow))


def stale_choice(flow: Flow) -> Reply:
    """A button whose data the bot cannot use."""
    return Reply(flow.t("error.stale_button"), menu_choices(flow))


def kept(flow: Flow) -> Reply:
    """The answer to 'no' on a confirmation: nothing changed."""
    return Reply(flow.t("menu.nothing_changed"), menu_choices(flow))

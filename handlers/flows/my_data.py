"""What the bot keeps and why; erasing it all ("oubli") after a clear yes."""

from __future__ import annotations

from core.dialog import Intent, Reply
from core.seats.privacy import erase_person
from handlers.machinery import actions
from handlers.machinery.context import Flow, offered


def notice(flow: Flow) -> Reply:
    """The short privacy notice: what is kept, why, for how long, who sees it."""
    text = flow.t("privacy.notice", months=flow.settings.retention_months)
    rows = ((flow.choice("button.forget", actions.FORGET),), flow.menu_row())
    return Reply(text, rows)


def ask(flow: Flow) -> Reply:
    """Erasing is asked twice: it cancels every booking."""
    rows = (
        (flow.choice("button.yes_forget", actions.FORGET_CONFIRM, Intent.YES),),
        (flow.choice("button.no", actions.KEEP, Intent.NO),),
    )
    return Reply(flow.t("privacy.forget_prompt"), rows)


async def forget(flow: Flow) -> Reply:
    """Erase the person's data; the last message they get from the bot says so.

    Only right after the confirmation screen: a "yes" from anywhere else (an old button,
    forged data) shows that screen instead.
    """
    if not offered(flow.state, actions.FORGET_CONFIRM):
        return ask(flow)
    await erase_person(flow.db, flow.person, flow.now, flow.settings.offer_expiry_minutes)
    flow.state.clear()
    return Reply(flow.t("privacy.forgotten"))

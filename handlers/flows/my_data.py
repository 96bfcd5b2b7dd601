"""What the bot keeps and why; erasing it all ("oubli") after a clear yes."""

from __future__ import annotations

from core.dialog import Intent, Reply
from core.seats.privacy import erase_person
from handlers.machinery.choices import AskToForget, ConfirmForget, Keep, PrivacyNotice
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers


def notice(flow: Flow) -> Reply:
    """The short privacy notice: what is kept, why, for how long, who sees it."""
    text = flow.t("privacy.notice", months=flow.settings.retention_months)
    rows = ((flow.choice("button.forget", AskToForget().pack()),), flow.menu_row())
    return Reply(text, rows)


def ask(flow: Flow) -> Reply:
    """Erasing is asked twice: it cancels every booking."""
    rows = (
        (flow.choice("button.yes_forget", ConfirmForget().pack(), Intent.YES),),
        (flow.choice("button.no", Keep().pack(), Intent.NO),),
    )
    return Reply(flow.t("privacy.forget_prompt"), rows)


async def forget(flow: Flow) -> Reply:
    """Erase the person's data; the last message they get from the bot says so.

    Only right after the confirmation screen: a "yes" from anywhere else (an old button,
    forged data) shows that screen instead.
    """
    if not flow.state.offered(ConfirmForget().pack()):
        return ask(flow)
    await erase_person(flow.db, flow.person, flow.now, flow.settings.offer_expiry_minutes)
    flow.state.clear()
    return Reply(flow.t("privacy.forgotten"))


# The choices this flow answers.


@answers(PrivacyNotice)
async def _on_privacy_notice(flow: Flow, choice: PrivacyNotice) -> Reply:
    return notice(flow)


@answers(AskToForget)
async def _on_ask_to_forget(flow: Flow, choice: AskToForget) -> Reply:
    return ask(flow)


@answers(ConfirmForget)
async def _on_confirm_forget(flow: Flow, choice: ConfirmForget) -> Reply:
    return await forget(flow)

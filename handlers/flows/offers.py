"""A freed seat offered to the first person in line: accept it or let it go."""

from __future__ import annotations

from core.dialog import Reply
from core.errors import BookingError
from core.seats.booking import accept_offer, decline_offer
from core.seats.reminders import ReminderRule
from handlers.flows.book import booked
from handlers.flows.browse import refusal
from handlers.flows.menu import menu_choices
from handlers.machinery.choices import AcceptOffer, DeclineOffer
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers


async def accept(flow: Flow, booking_id: int) -> Reply:
    """Take the held seat."""
    try:
        booking = await accept_offer(
            flow.db, flow.person, booking_id, flow.now, ReminderRule.of(flow.settings)
        )
    except BookingError as error:
        return refusal(flow, error)
    return await booked(flow, booking)


async def decline(flow: Flow, booking_id: int) -> Reply:
    """Let the held seat go to the next person in line."""
    try:
        await decline_offer(
            flow.db, flow.person, booking_id, flow.now, flow.settings.offer_expiry_minutes
        )
    except BookingError as error:
        return refusal(flow, error)
    return Reply(flow.t("offer.declined"), menu_choices(flow))


# The choices this flow answers.


@answers(AcceptOffer)
async def _on_accept_offer(flow: Flow, choice: AcceptOffer) -> Reply:
    return await accept(flow, choice.booking_id)


@answers(DeclineOffer)
async def _on_decline_offer(flow: Flow, choice: DeclineOffer) -> Reply:
    return await decline(flow, choice.booking_id)

"""A freed seat offered to the first person in line: accept it or let it go."""

from __future__ import annotations

from core.booking import accept_offer, decline_offer
from core.dialog import Reply
from core.errors import BookingError
from core.reminders import ReminderRule
from handlers.book import booked
from handlers.browse import refusal
from handlers.context import Flow
from handlers.menu import menu_choices


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

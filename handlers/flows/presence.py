"""The answer to the reminder: "I'll be there" is recorded for the organisers."""

from __future__ import annotations

from core.dialog import Reply
from core.errors import BookingError, BookingNotActive
from core.seats.booking import own_booking
from handlers.flows.browse import refusal, visible_session
from handlers.flows.menu import menu_choices
from handlers.machinery.choices import WillCome
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers
from models import BookingStatus


async def there(flow: Flow, booking_id: int) -> Reply:
    """Record that the person will come."""
    try:
        booking = await own_booking(flow.db, flow.person, booking_id)
        if booking.status != BookingStatus.BOOKED:
            raise BookingNotActive(booking.session_id)
        await visible_session(flow, booking.session_id)
    except BookingError as error:
        return refusal(flow, error)
    if booking.confirmed_at is None:
        booking.confirmed_at = flow.now
    return Reply(flow.t("reminder.thanks"), menu_choices(flow))


# The choices this flow answers.


@answers(WillCome)
async def _on_will_come(flow: Flow, choice: WillCome) -> Reply:
    return await there(flow, choice.booking_id)

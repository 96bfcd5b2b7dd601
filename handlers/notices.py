"""What a queued notice says, rendered when it goes out, in the person's language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.dialog import Reply
from bot.formatting import when_in_words
from bot.i18n import Translator
from bot.notices import OFFER, OFFER_EXPIRED
from bot.reminders import REMINDER
from handlers import actions, describe
from handlers.context import Flow
from handlers.menu import menu_choices
from models import Booking, BookingStatus, OutboxMessage, Person, SessionStatus, WorkshopSession


async def render_notice(
    session: AsyncSession,
    message: OutboxMessage,
    person: Person,
    settings: Settings,
    now: datetime,
) -> Reply | None:
    """The reply a notice becomes, or None when it no longer applies."""
    flow = Flow(session, person, {}, Translator(person.language), settings, now)
    booking = await session.get(Booking, int(message.payload.get("booking_id", 0)))
    if booking is None:
        return None
    workshop = await session.get(WorkshopSession, booking.session_id)
    assert workshop is not None
    summary = describe.summary(flow, workshop)
    if message.kind == OFFER:
        if not booking.holds_offer or booking.offer_expires_at is None:
            return None
        if booking.offer_expires_at <= now:
            return None
        until = when_in_words(booking.offer_expires_at, settings.zone, flow.t)
        text = flow.t("offer.notice", summary=summary, until=until)
        rows = (
            (flow.choice("button.offer_accept", actions.encode(actions.OFFER_ACCEPT, booking.id)),),
            (
                flow.choice(
                    "button.offer_decline", actions.encode(actions.OFFER_DECLINE, booking.id)
                ),
            ),
        )
        return Reply(text, rows)
    if message.kind == REMINDER:
        if booking.status != BookingStatus.BOOKED:
            return None
        if workshop.status != SessionStatus.SCHEDULED or workshop.starts_at <= now:
            return None
        text = flow.t("reminder.notice", summary=summary)
        rows = (
            (flow.choice("button.there", actions.encode(actions.THERE, booking.id)),),
            (flow.choice("button.cancel_seat", actions.encode(actions.CANCEL_ASK, booking.id)),),
        )
        return Reply(text, rows)
    if message.kind == OFFER_EXPIRED:
        return Reply(flow.t("offer.expired", summary=summary), menu_choices(flow))
    return None

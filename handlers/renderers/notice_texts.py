"""What a queued notice says, rendered when it goes out, in the person's language.

Rendering only reads; :func:`remember_notice` is the separate step, run by the outbox
sender in the same transaction, that keeps a notice's choices for a written number.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.delivery.reports import TEMPLATE_ONLY
from core.dialog import SMS, Intent, Notice, Reply, reply_from_payload, text_variant
from core.formatting import day_in_words, in_sentence, time_in_words, when_in_words
from core.i18n import Translator
from core.outbox.queue import REPLY
from core.phones import textable_number
from core.seats.alerts import ALERT_KINDS
from core.seats.booking import OFFER, OFFER_EXPIRED
from core.seats.for_others import BOOKED_FOR_YOU, plain_first_name
from core.seats.organiser import BROADCAST, SEAT_CANCELLED
from core.seats.reminders import REMINDER, ReminderRule
from core.seats.session_changes import SESSION_CANCELLED, SESSION_MOVED
from handlers.flows import describe
from handlers.flows.menu import menu_choices
from handlers.machinery.choices import AcceptOffer, AskToCancel, DeclineOffer, RefuseSeat, WillCome
from handlers.machinery.context import Flow, remember_choices
from handlers.machinery.state import ConversationState
from handlers.renderers.alert_texts import render_alert
from models import Booking, BookingStatus, OutboxMessage, Person, SessionStatus, WorkshopSession


async def render_notice(
    session: AsyncSession,
    message: OutboxMessage,
    person: Person,
    settings: Settings,
    now: datetime,
) -> Reply | None:
    """The reply a notice becomes, or None when it no longer applies."""
    if message.kind == REPLY:
        return reply_from_payload(message.payload)
    t = Translator(person.language, text_variant(person.channel))
    flow = Flow(session, person, ConversationState(), t, settings, now)
    if message.kind in ALERT_KINDS:
        return await render_alert(flow, message)
    reply = await _notice(flow, message)
    if reply is not None and reply.notice is not None and message.payload.get(TEMPLATE_ONLY):
        reply = replace(reply, notice=replace(reply.notice, template_only=True))
    return reply


async def remember_notice(
    session: AsyncSession, message: OutboxMessage, person: Person, reply: Reply, now: datetime
) -> None:
    """A notice's choices become the ones a written "oui" or number picks, on every channel."""
    if message.kind != REPLY and reply.choices:
        await remember_choices(session, person, reply, now)


def _untextable_stranger(flow: Flow, booking: Booking) -> bool:
    """Whether the notice would text a number that someone else gave and that texts may
    not go to (seats booked for premium-rate or far numbers before they were refused)."""
    person = flow.person
    if booking.booked_by_id is None or person.id != booking.person_id or person.channel != SMS:
        return False
    settings = flow.settings
    allowed = settings.sms_allowed_regions
    return textable_number(person.external_id, settings.sms_default_region, allowed) is None


def _notice_values(flow: Flow, workshop: WorkshopSession) -> tuple[str, str, str]:
    """The title, the date and the place, as a template's values."""
    where = f"{workshop.venue}, {workshop.address}" if workshop.address else workshop.venue
    return workshop.title, describe.when(flow, workshop), where


async def _notice(flow: Flow, message: OutboxMessage) -> Reply | None:
    session, settings, now = flow.db, flow.settings, flow.now
    booking = await session.get(Booking, int(message.payload.get("booking_id", 0)))
    if booking is None or _untextable_stranger(flow, booking):
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
        title, when, _ = _notice_values(flow, workshop)
        offer = Notice(
            "offer",
            (title, when, until),
            (
                AcceptOffer(booking.id).pack(),
                DeclineOffer(booking.id).pack(),
            ),
        )
        rows = (
            (flow.choice("button.offer_accept", AcceptOffer(booking.id).pack()),),
            (flow.choice("button.offer_decline", DeclineOffer(booking.id).pack()),),
        )
        return Reply(text, rows, notice=offer)
    if message.kind == REMINDER:
        if booking.status != BookingStatus.BOOKED:
            return None
        if workshop.status != SessionStatus.SCHEDULED or workshop.starts_at <= now:
            return None
        days = int(message.payload.get("days", 1))
        if ReminderRule.of(settings).moot(workshop.starts_at, days, message.due_at, now):
            return None  # sent late: a closer reminder says it, or it comes too late
        if flow.compact:  # one SMS segment where it fits; ANNULER works at any time
            return Reply(_short_reminder(flow, workshop, days))
        key = "reminder.notice" if days == 1 else "reminder.notice_days"
        text = flow.t(key, summary=describe.details(flow, workshop), days=days)
        there = WillCome(booking.id).pack()
        cancel = AskToCancel(booking.id).pack()
        rows = (
            (flow.choice("button.there", there),),
            (flow.choice("button.cancel_seat", cancel),),
        )
        notice = Notice("reminder", _notice_values(flow, workshop), (there, cancel))
        return Reply(text, rows, notice=notice)
    if message.kind == OFFER_EXPIRED:
        notice = Notice("offer_expired", (workshop.title,))
        return Reply(flow.t("offer.expired", summary=summary), menu_choices(flow), notice=notice)
    if message.kind == SESSION_CANCELLED:
        if workshop.status != SessionStatus.CANCELLED:
            return None
        text = flow.t("change.cancelled", summary=summary)
        had_seat = message.payload.get("was", BookingStatus.BOOKED) == BookingStatus.BOOKED
        file = describe.cancelled_calendar(flow, workshop, booking.id) if had_seat else None
        notice = Notice("cancelled", _notice_values(flow, workshop)[:2])
        return Reply(text, menu_choices(flow), file, notice=notice)
    if message.kind == SEAT_CANCELLED:
        return await _seat_cancelled(flow, message, booking, workshop)
    if message.kind == BOOKED_FOR_YOU:
        return await _booked_for_you(flow, booking, workshop)
    if message.kind == BROADCAST:
        if booking.status != BookingStatus.BOOKED or workshop.status != SessionStatus.SCHEDULED:
            return None
        said = str(message.payload.get("text") or "")
        text = flow.t("broadcast.notice", title=workshop.title, text=said)
        return Reply(text, menu_choices(flow), notice=Notice("message", (workshop.title, said)))
    if message.kind == SESSION_MOVED:
        return _moved(flow, message, booking, workshop)
    return None


async def _seat_cancelled(
    flow: Flow, message: OutboxMessage, booking: Booking, workshop: WorkshopSession
) -> Reply | None:
    """An organiser cancelled the seat; the file takes it out of the calendar it went in."""
    if booking.status != BookingStatus.CANCELLED:
        return None
    summary = describe.summary(flow, workshop)
    holder = await flow.db.get(Person, booking.person_id)
    name = holder.name if holder is not None else ""
    if message.person_id == booking.person_id:
        text = flow.t("change.seat_cancelled", summary=summary)
    else:  # the booker of a guest's seat
        text = flow.t("change.seat_cancelled_for_other", summary=summary, name=name)
    had = describe.had_calendar(booking, BookingStatus.BOOKED)
    file = describe.cancelled_calendar(flow, workshop, booking.id, one_seat=True) if had else None
    title, when, _ = _notice_values(flow, workshop)
    notice = Notice("seat_cancelled", (name or "-", title, when))
    return Reply(text, menu_choices(flow), file, notice=notice)


async def _booked_for_you(flow: Flow, booking: Booking, workshop: WorkshopSession) -> Reply | None:
    """Who booked a seat for the person, and that one "non" (or STOP) cancels it."""
    if booking.status != BookingStatus.BOOKED or booking.booked_by_id is None:
        return None
    if workshop.status != SessionStatus.SCHEDULED or workshop.starts_at <= flow.now:
        return None
    booker = await flow.db.get(Person, booking.booked_by_id)
    name = plain_first_name(booker.name if booker is not None else "")
    name = name or flow.t("book.for_you_someone")
    text = flow.t("book.for_you_notice", name=name, summary=describe.summary(flow, workshop))
    there = WillCome(booking.id).pack()
    refuse = RefuseSeat(booking.id).pack()
    rows = (
        (flow.choice("button.there", there, Intent.YES),),
        (flow.choice("button.refuse_seat", refuse, Intent.NO),),
    )
    title, when, _ = _notice_values(flow, workshop)
    return Reply(text, rows, notice=Notice(BOOKED_FOR_YOU, (name, title, when)))


def _short_reminder(flow: Flow, workshop: WorkshopSession, days: int) -> str:
    bring = flow.t("session.bring", bring=in_sentence(workshop.bring)) if workshop.bring else ""
    return flow.t(
        "reminder.short" if days == 1 else "reminder.short_days",
        days=days,
        day=day_in_words(workshop.starts_at, flow.settings.zone, flow.t),
        title=workshop.title,
        time=time_in_words(workshop.starts_at, flow.settings.zone, flow.t),
        venue=workshop.venue,
        bring=f" {bring}" if bring else "",
    )


def _moved(
    flow: Flow, message: OutboxMessage, booking: Booking, workshop: WorkshopSession
) -> Reply | None:
    """The new date; a booked person gets the new calendar file and a way to cancel."""
    if message.payload.get("revision") != workshop.revision:
        return None  # moved again since: a later notice gives the date that holds
    if workshop.status != SessionStatus.SCHEDULED or workshop.starts_at <= flow.now:
        return None
    summary = describe.summary(flow, workshop)
    cancel = AskToCancel(booking.id).pack()
    notice = Notice("moved", _notice_values(flow, workshop), (cancel,))
    if booking.status == BookingStatus.WAITING:
        text = flow.t("change.moved_waiting", summary=summary)
        return Reply(text, menu_choices(flow), notice=notice)
    if booking.status != BookingStatus.BOOKED:
        return None
    rows = ((flow.choice("button.cancel_seat", cancel),), flow.menu_row())
    text = flow.t("change.moved_booked", summary=summary)
    return Reply(text, rows, describe.calendar(flow, workshop, booking.id), notice=notice)

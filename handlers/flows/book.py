"""Booking: ask to confirm, take the seat, or offer the waiting list when it is full."""

from __future__ import annotations

from core.dialog import Intent, Reply, Rows
from core.errors import AlreadyBooked, BookingError, SessionFull
from core.seats.booking import join_waiting_list, take_seat, waiting_position
from core.seats.reminders import ReminderRule
from handlers.flows import describe
from handlers.flows.browse import refusal, visible_session
from handlers.flows.menu import MAIN_BUTTONS, menu_choices
from handlers.machinery.choices import AskToBook, ConfirmBooking, JoinLine, Keep, MyBookings
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers
from models import Booking, BookingStatus, WorkshopSession


def _yes_no(flow: Flow, yes_key: str, yes_data: str) -> Rows:
    return (
        (flow.choice(yes_key, yes_data, Intent.YES),),
        (flow.choice("button.no", Keep().pack(), Intent.NO),),
    )


def _offer_line(flow: Flow, workshop: WorkshopSession) -> Reply:
    text = flow.t("book.full_offer_line", summary=describe.summary(flow, workshop))
    return Reply(text, _yes_no(flow, "button.join_line", JoinLine(workshop.id).pack()))


async def ask(flow: Flow, session_id: int) -> Reply:
    """Name the workshop, the date and the place, and ask yes or no."""
    try:
        workshop = await visible_session(flow, session_id)
    except BookingError as error:
        return refusal(flow, error)
    if workshop.seats_left <= 0:
        return _offer_line(flow, workshop)
    text = flow.t("book.confirm_prompt", summary=describe.summary(flow, workshop))
    return Reply(text, _yes_no(flow, "button.yes_book", ConfirmBooking(session_id).pack()))


async def confirm(flow: Flow, session_id: int) -> Reply:
    """Take the seat, re-checking everything; offer the line when it just filled up."""
    try:
        booking, workshop = await take_seat(
            flow.db, flow.person, session_id, flow.now, ReminderRule.of(flow.settings)
        )
    except SessionFull:
        workshop = await visible_session(flow, session_id)
        return _offer_line(flow, workshop)
    except AlreadyBooked:
        return Reply(flow.t("error.already_booked"), _mine_row(flow))
    except BookingError as error:
        return refusal(flow, error)
    return await booked(flow, booking, workshop)


async def join_line(flow: Flow, session_id: int) -> Reply:
    """Put the person in line (or book, if a seat is free after all)."""
    try:
        booking = await join_waiting_list(
            flow.db, flow.person, session_id, flow.now, ReminderRule.of(flow.settings)
        )
    except AlreadyBooked:
        return Reply(flow.t("error.already_booked"), _mine_row(flow))
    except BookingError as error:
        return refusal(flow, error)
    if booking.status == BookingStatus.BOOKED:
        return await booked(flow, booking)
    workshop = await visible_session(flow, session_id)
    summary = describe.summary(flow, workshop)
    position = await waiting_position(flow.db, booking)
    text = flow.t("book.in_line", summary=summary, position=position)
    return Reply(text, menu_choices(flow))


async def booked(flow: Flow, booking: Booking, workshop: WorkshopSession | None = None) -> Reply:
    """The confirmation of a seat (the service queued its reminders), with its calendar file
    and, where the place is known and the channel is not SMS, a link to it on a map.
    ``workshop``: the session booked, when the caller holds it already."""
    if workshop is None:
        workshop = await flow.db.get(WorkshopSession, booking.session_id)
    assert workshop is not None
    summary = describe.details(flow, workshop)
    place = describe.venue(flow, workshop)
    if place is not None and not flow.compact:  # a link, not one more message
        summary += "\n" + flow.t("session.map", url=describe.map_link(place))
    text = flow.t("book.confirmed", summary=summary)
    calendar = describe.calendar(flow, workshop, booking.id)
    toast = flow.t("book.booked_toast")  # at once, on Telegram; the confirmation follows
    if flow.state.keyboard_shown:
        return Reply(text, menu_choices(flow), attachment=calendar, toast=toast)
    # Not brought yet (a poster's code): the keyboard comes with the confirmation, in place
    # of the same main choices as buttons, its note at the end of the text; no screen edits
    # this message later, and it costs no message of its own.
    flow.state.keyboard_shown = True
    return Reply(
        text,
        menu_choices(flow),
        attachment=calendar,
        keyboard=tuple(flow.t(key) for key in MAIN_BUTTONS),
        keyboard_note=flow.t("menu.keyboard_hint"),
        keyboard_here=True,
        toast=toast,
    )


def _mine_row(flow: Flow) -> Rows:
    return ((flow.choice("button.my_bookings", MyBookings().pack()),), flow.menu_row())


# The choices this flow answers.


@answers(AskToBook)
async def _on_ask_to_book(flow: Flow, choice: AskToBook) -> Reply:
    return await ask(flow, choice.session_id)


@answers(ConfirmBooking)
async def _on_confirm_booking(flow: Flow, choice: ConfirmBooking) -> Reply:
    return await confirm(flow, choice.session_id)


@answers(JoinLine)
async def _on_join_line(flow: Flow, choice: JoinLine) -> Reply:
    return await join_line(flow, choice.session_id)

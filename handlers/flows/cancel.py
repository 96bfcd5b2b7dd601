"""My bookings, and cancelling: always asked to confirm, naming the workshop and the date."""

from __future__ import annotations

from core.dialog import Choice, Intent, Reply, Rows
from core.errors import BookingError, BookingNotActive
from core.seats.booking import cancel_booking, own_booking
from core.seats.catalog import MyBooking, my_upcoming_bookings
from core.understanding.screens import Expects
from handlers.flows import describe
from handlers.flows.browse import refusal
from handlers.flows.menu import menu_choices
from handlers.machinery.choices import AskToCancel, ConfirmCancel, Keep, MyBookings, SessionList
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers
from models import BookingStatus, WorkshopSession


async def my_bookings(flow: Flow) -> Reply:
    """Upcoming bookings, with the place in line, each with a button to cancel it."""
    mine = await my_upcoming_bookings(flow.db, flow.person.id, flow.now)
    if not mine:
        nothing: Rows = (
            (flow.choice("button.workshops", SessionList(0).pack()),),
            flow.menu_row(),
        )
        return Reply(flow.t("mine.none"), nothing)
    lines = [flow.t("mine.header")]
    rows: list[tuple[Choice, ...]] = []
    for number, item in enumerate(mine, start=1):
        when = describe.when(flow, item.session)
        if item.for_name:
            lines.append(
                flow.t(
                    "mine.line_for_other",
                    number=number,
                    title=item.session.title,
                    when=when,
                    name=item.for_name,
                )
            )
        elif item.position is None:
            lines.append(
                flow.t("mine.line_booked", number=number, title=item.session.title, when=when)
            )
        else:
            lines.append(
                flow.t(
                    "mine.line_waiting",
                    number=number,
                    title=item.session.title,
                    when=when,
                    position=item.position,
                )
            )
        label = flow.t("button.cancel_numbered", number=number)
        rows.append((Choice(label, AskToCancel(item.booking.id).pack()),))
    rows.append(flow.menu_row())
    return Reply("\n\n".join(lines), tuple(rows))


async def start(flow: Flow) -> Reply:
    """'annuler' written: confirm the only booking, or choose which one."""
    mine = await my_upcoming_bookings(flow.db, flow.person.id, flow.now)
    if not mine:
        return Reply(flow.t("cancel.nothing"), menu_choices(flow))
    if len(mine) == 1:
        return await ask(flow, mine[0].booking.id)
    rows: list[tuple[Choice, ...]] = [
        (Choice(_label(flow, item), AskToCancel(item.booking.id).pack()),) for item in mine
    ]
    rows.append(flow.menu_row())
    return Reply(flow.t("cancel.which"), tuple(rows), expects=Expects.LIST.value)


def _label(flow: Flow, item: MyBooking) -> str:
    """The workshop and day, and whose seat it is when booked for someone else."""
    label = describe.button_label(flow, item.session)
    if item.for_name:
        return flow.t("cancel.for_other_button", label=label, name=item.for_name)
    return label


async def ask(flow: Flow, booking_id: int) -> Reply:
    """Ask to confirm, naming the workshop and the date."""
    try:
        booking = await own_booking(flow.db, flow.person, booking_id)
        if booking.status not in (BookingStatus.BOOKED, BookingStatus.WAITING):
            raise BookingNotActive(booking.session_id)
    except BookingError as error:
        return refusal(flow, error)
    workshop = await flow.db.get(WorkshopSession, booking.session_id)
    assert workshop is not None
    key = (
        "cancel.confirm_prompt"
        if booking.status == BookingStatus.BOOKED
        else "cancel.leave_line_prompt"
    )
    text = flow.t(key, summary=describe.summary(flow, workshop))
    rows = (
        (flow.choice("button.yes_cancel", ConfirmCancel(booking_id).pack(), Intent.YES),),
        (flow.choice("button.no_keep", Keep().pack(), Intent.NO),),
    )
    return Reply(text, rows)


async def confirm(flow: Flow, booking_id: int) -> Reply:
    """Cancel; a freed seat goes to the first person in line. A seat whose confirmation
    brought a calendar file gets the file that takes it out again."""
    try:
        booking = await own_booking(flow.db, flow.person, booking_id)
        had_calendar = describe.had_calendar(booking)  # before the cancel changes it
        booking, _ = await cancel_booking(
            flow.db, flow.person, booking_id, flow.now, flow.settings.offer_expiry_minutes
        )
    except BookingNotActive:
        return Reply(flow.t("cancel.already"), menu_choices(flow))
    except BookingError as error:
        return refusal(flow, error)
    workshop = await flow.db.get(WorkshopSession, booking.session_id)
    assert workshop is not None
    text = flow.t("cancel.done", summary=describe.summary(flow, workshop))
    file = (
        describe.cancelled_calendar(flow, workshop, booking.id, one_seat=True)
        if had_calendar
        else None
    )
    return Reply(text, menu_choices(flow), file)


# The choices this flow answers.


@answers(MyBookings)
async def _on_my_bookings(flow: Flow, choice: MyBookings) -> Reply:
    return await my_bookings(flow)


@answers(AskToCancel)
async def _on_ask_to_cancel(flow: Flow, choice: AskToCancel) -> Reply:
    return await ask(flow, choice.booking_id)


@answers(ConfirmCancel)
async def _on_confirm_cancel(flow: Flow, choice: ConfirmCancel) -> Reply:
    return await confirm(flow, choice.booking_id)

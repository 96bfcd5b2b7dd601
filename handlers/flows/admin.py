"""The organiser menu, for ADMIN_TELEGRAM_IDS (every organisation's sessions) and the
organisers added with a Telegram id (their organisation's only): sessions, rosters,
attendance, walk-ins, cancelling one person's seat, a message to a session, moving or
cancelling one. Every change is recorded with who made it.

Anyone else never sees it: their organiser choices are refused like any unknown button,
and "/admin" is not understood. What an organiser types (a first name, a message, a new
date) waits in the conversation state until it is confirmed.
"""

from __future__ import annotations

from core.dialog import Choice, Intent, Reply, Rows
from core.errors import BookingError
from core.formatting import when_in_words
from core.schedule.importer import parse_local_start
from core.seats.organisations import NETWORK, Actor, Scope, organiser_by_telegram, record, scope_of
from core.seats.organiser import (
    InvalidInput,
    cancel_seat,
    mark_attendance,
    message_session,
    register_walk_in,
    sessions_between,
    today_bounds,
)
from core.seats.reminders import ReminderRule
from core.seats.roster import roster_rows
from core.seats.session_changes import cancel_session, move_session
from handlers.flows import describe
from handlers.flows.browse import refusal
from handlers.flows.menu import stale_choice
from handlers.machinery.choices import (
    AdminConfirm,
    AdminHome,
    AdminRoster,
    AdminSession,
    AskCancelSeat,
    AskCancelSession,
    AskMessage,
    AskMove,
    AskWalkIn,
    ConfirmCancelSeat,
    ConfirmCancelSession,
    MarkAbsent,
    MarkPresent,
)
from handlers.machinery.context import Flow
from handlers.machinery.state import (
    AwaitingMessage,
    AwaitingMoveDate,
    AwaitingWalkInName,
    AwaitingWalkInPhone,
    MessageReady,
    MoveReady,
    OrganiserAwaiting,
)
from handlers.machinery.steps import answers
from models import Booking, BookingStatus, Organisation, Person, SessionStatus, WorkshopSession

TELEGRAM = "telegram"
STATES = {"scheduled": "organiser.state.scheduled", "cancelled": "organiser.state.cancelled"}


def _telegram_id(flow: Flow) -> int | None:
    """The person's Telegram user id (on Telegram, chat id = user id), if on Telegram."""
    person = flow.person
    if person.channel != TELEGRAM or not person.external_id.lstrip("-").isdigit():
        return None
    return int(person.external_id)


async def access(flow: Flow) -> tuple[Scope, Actor] | None:
    """What the person may see and who they are, as an organiser; None: not one.

    ADMIN_TELEGRAM_IDS see every organisation; an organiser added with their Telegram id,
    their organisation (or all, a network organiser)."""
    user_id = _telegram_id(flow)
    if user_id is None:
        return None
    if user_id in flow.settings.admin_telegram_ids:
        return NETWORK, Actor(f"telegram:{user_id}")
    organiser = await organiser_by_telegram(flow.db, user_id)
    if organiser is None:
        return None
    organisation = await flow.db.get(Organisation, organiser.organisation_id)
    if organisation is None:
        return None
    scope = scope_of(organiser, organisation, flow.settings.organisation_name)
    return scope, Actor(organiser.email, organiser.id)


async def is_organiser(flow: Flow) -> bool:
    """Whether the person may use the organiser menu."""
    return await access(flow) is not None


async def _mine(flow: Flow, session_id: int) -> WorkshopSession | None:
    """The session, if this organiser may see it (another organisation's is none)."""
    found = await access(flow)
    workshop = await flow.db.get(WorkshopSession, session_id)
    if found is None or workshop is None or not found[0].covers(workshop):
        return None
    return workshop


async def _record(flow: Flow, action: str, session_id: int, detail: str = "") -> None:
    """Keep the change with who made it."""
    found = await access(flow)
    if found is not None:
        await record(flow.db, found[1], action, flow.now, session_id, detail)


def _stop_waiting(flow: Flow) -> None:
    """Whatever the organiser was asked to type is no longer awaited."""
    if isinstance(flow.state.awaiting, OrganiserAwaiting):
        flow.state.awaiting = None


def _back(flow: Flow, session_id: int | None = None) -> tuple[Choice, ...]:
    target = AdminSession(session_id).pack() if session_id else AdminHome().pack()
    return (flow.choice("organiser.back", target), *flow.menu_row())


async def home(flow: Flow) -> Reply:
    """Today's and the next fortnight's sessions: seats taken / capacity, and the line."""
    _stop_waiting(flow)
    start, end = today_bounds(flow.now, flow.settings.zone)
    found = await access(flow)
    scope = found[0] if found is not None else Scope(0)
    rows: list[tuple[Choice, ...]] = []
    for workshop, waiting in await sessions_between(flow.db, start, end, scope):
        label = flow.t(
            "organiser.session_button",
            title=workshop.title[:30],
            when=when_in_words(workshop.starts_at, flow.settings.zone, flow.t),
            taken=workshop.seats_taken,
            capacity=workshop.capacity,
            waiting=waiting,
        )
        rows.append((Choice(label, AdminSession(workshop.id).pack()),))
    text = flow.t("organiser.home" if rows else "organiser.home_empty")
    return Reply(text, (*rows, flow.menu_row()))


async def session_screen(flow: Flow, session_id: int) -> Reply:
    """One session and what can be done with it."""
    _stop_waiting(flow)
    workshop = await _mine(flow, session_id)
    if workshop is None:
        return await home(flow)
    text = flow.t(
        "organiser.session",
        title=workshop.title,
        when=when_in_words(workshop.starts_at, flow.settings.zone, flow.t),
        taken=workshop.seats_taken,
        capacity=workshop.capacity,
        state=flow.t(STATES.get(workshop.status, "organiser.state.scheduled")),
    )
    ids = workshop.id
    rows: Rows = (
        (flow.choice("organiser.roster", AdminRoster(ids).pack()),),
        (flow.choice("organiser.walk_in", AskWalkIn(ids).pack()),),
        (flow.choice("organiser.message", AskMessage(ids).pack()),),
        (flow.choice("organiser.move", AskMove(ids).pack()),),
        (flow.choice("organiser.cancel", AskCancelSession(ids).pack()),),
        _back(flow),
    )
    return Reply(text, rows)


async def roster(flow: Flow, session_id: int) -> Reply:
    """Who is booked, who confirmed after the reminder; mark each present or absent, or
    cancel a booked seat while the session is to come."""
    workshop = await _mine(flow, session_id)
    rows_of = await roster_rows(flow.db, session_id, flow.settings.zone) if workshop else None
    if rows_of is None or workshop is None:
        return await home(flow)
    to_come = _to_come(flow, workshop)
    lines: list[str] = []
    buttons: list[tuple[Choice, ...]] = []
    for number, row in enumerate(rows_of, 1):
        if row["status"] == BookingStatus.CANCELLED:
            continue
        confirmed = flow.t("organiser.confirmed") if row["confirmed_after_reminder"] else ""
        status = flow.t(f"organiser.status.{row['status']}")
        lines.append(f"{number}. {row['name'] or '-'} ({row['channel']}): {status}{confirmed}")
        if row["status"] in (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
            booking_id = int(row["booking_id"])
            name = (row["name"] or "-")[:20]
            buttons.append(
                (
                    flow.choice(
                        "organiser.present",
                        MarkPresent(booking_id).pack(),
                        name=name,
                    ),
                    flow.choice(
                        "organiser.absent",
                        MarkAbsent(booking_id).pack(),
                        name=name,
                    ),
                )
            )
            if to_come and row["status"] == BookingStatus.BOOKED:
                cancel = AskCancelSeat(booking_id).pack()
                buttons.append((flow.choice("organiser.cancel_seat", cancel, name=name),))
    body = "\n".join(lines) if lines else flow.t("organiser.roster_empty")
    text = flow.t("organiser.roster_header") + "\n" + body
    return Reply(text, (*buttons, _back(flow, session_id)))


async def attendance(flow: Flow, booking_id: int, present: bool) -> Reply:
    """Mark one person present or absent, then show the roster again."""
    held = await flow.db.get(Booking, booking_id)
    if held is None or await _mine(flow, held.session_id) is None:
        return stale_choice(flow)  # a forged id, or another organisation's seat
    try:
        booking = await mark_attendance(flow.db, booking_id, present, flow.now)
    except BookingError as error:
        return refusal(flow, error)
    detail = f"booking {booking_id}: {'present' if present else 'absent'}"
    await _record(flow, "attendance", booking.session_id, detail)
    return await roster(flow, booking.session_id)


def ask(flow: Flow, waiting: OrganiserAwaiting, key: str) -> Reply:
    """Ask the organiser to type something for a session."""
    flow.state.awaiting = waiting
    return Reply(flow.t(key), (_back(flow, waiting.session_id),))


TYPED = (AwaitingWalkInName, AwaitingWalkInPhone, AwaitingMessage, AwaitingMoveDate)
"""What an organiser may be asked to type (answered by :func:`typed`)."""


def asked_to_type(flow: Flow) -> bool:
    """Whether the last screen asked an organiser to type something (no query needed)."""
    return isinstance(flow.state.awaiting, TYPED)


async def typed(flow: Flow, text: str) -> Reply | None:
    """What the organiser typed after being asked; None when nothing was asked."""
    waiting = flow.state.awaiting
    match waiting:
        case AwaitingWalkInName(session_id=session_id):
            flow.state.awaiting = AwaitingWalkInPhone(session_id, name=text)
            return Reply(flow.t("organiser.walk_in_phone"), (_back(flow, session_id),))
        case AwaitingWalkInPhone(session_id=session_id, name=name):
            return await _walk_in(flow, session_id, name, text)
        case AwaitingMessage(session_id=session_id):
            flow.state.awaiting = MessageReady(session_id, text=text)
            return _confirm(flow, "organiser.message_confirm", session_id, text=text[:500])
        case AwaitingMoveDate(session_id=session_id):
            try:
                start = parse_local_start(_as_iso(text, flow.now.year), flow.settings.zone)
            except ValueError:
                return Reply(flow.t("organiser.move_bad_date"), (_back(flow, session_id),))
            flow.state.awaiting = MoveReady(session_id, at=start)
            when = when_in_words(start, flow.settings.zone, flow.t)
            return _confirm(flow, "organiser.move_confirm", session_id, when=when)
    return None  # nothing asked, or a confirmation awaited (a yes, not text)


async def confirmed(flow: Flow) -> Reply:
    """Carry out the message or the move the organiser just confirmed."""
    waiting = flow.state.awaiting
    _stop_waiting(flow)
    settings = flow.settings
    session_id = waiting.session_id if isinstance(waiting, OrganiserAwaiting) else 0
    if session_id and await _mine(flow, session_id) is None:
        return await home(flow)
    try:
        if isinstance(waiting, MessageReady):
            count = await message_session(flow.db, session_id, waiting.text, flow.now)
            await _record(flow, "message", session_id)
            return Reply(flow.t("organiser.message_sent", count=count), (_back(flow, session_id),))
        if isinstance(waiting, MoveReady):
            told = await move_session(
                flow.db,
                session_id,
                waiting.at,
                flow.now,
                zone=settings.zone,
                at=settings.reminder_time,
                days_before=tuple(settings.reminder_days_before),
            )
            await _record(flow, "move", session_id, waiting.at.isoformat())
            return Reply(flow.t("organiser.moved", count=told), (_back(flow, session_id),))
    except InvalidInput:
        return Reply(flow.t("organiser.invalid"), (_back(flow, session_id),))
    except BookingError as error:
        return refusal(flow, error)
    return await home(flow)


def ask_cancel(flow: Flow, session_id: int) -> Reply:
    """Cancelling a session tells everyone on it: asked twice."""
    rows: Rows = (
        (
            flow.choice(
                "organiser.cancel_yes",
                ConfirmCancelSession(session_id).pack(),
                Intent.YES,
            ),
        ),
        _back(flow, session_id),
    )
    return Reply(flow.t("organiser.cancel_prompt"), rows)


async def cancel(flow: Flow, session_id: int) -> Reply:
    """Cancel the session; every booked and waiting person is told through the outbox."""
    if await _mine(flow, session_id) is None:
        return stale_choice(flow)
    try:
        told = await cancel_session(flow.db, session_id, flow.now)
    except BookingError as error:
        return refusal(flow, error)
    await _record(flow, "cancel", session_id)
    return Reply(flow.t("organiser.cancelled", count=told), (_back(flow),))


async def ask_cancel_seat(flow: Flow, booking_id: int) -> Reply:
    """Cancelling a person's seat tells them: asked once more, naming them and the session."""
    seat = await _cancellable_seat(flow, booking_id)
    if seat is None:
        return stale_choice(flow)  # a forged id, or a seat cancelled or started since
    workshop, name = seat
    confirm = ConfirmCancelSeat(booking_id).pack()
    rows: Rows = (
        (flow.choice("organiser.cancel_seat_yes", confirm, Intent.YES),),
        _back(flow, workshop.id),
    )
    summary = describe.summary(flow, workshop)
    return Reply(flow.t("organiser.cancel_seat_prompt", name=name, summary=summary), rows)


async def cancel_one_seat(flow: Flow, booking_id: int) -> Reply:
    """Cancel the seat; the first in line is offered it, the person is told (the outbox)."""
    seat = await _cancellable_seat(flow, booking_id)
    if seat is None:
        return stale_choice(flow)
    workshop, name = seat
    try:
        await cancel_seat(flow.db, booking_id, flow.now, flow.settings.offer_expiry_minutes)
    except BookingError:
        return stale_choice(flow)
    await _record(flow, "seat_cancel", workshop.id, f"booking {booking_id}")
    rows: Rows = (
        (flow.choice("organiser.roster", AdminRoster(workshop.id).pack()),),
        _back(flow, workshop.id),
    )
    return Reply(flow.t("organiser.seat_cancelled", name=name), rows)


async def _cancellable_seat(flow: Flow, booking_id: int) -> tuple[WorkshopSession, str] | None:
    """The session of a booked seat still to come, and its holder's name; else None."""
    booking = await flow.db.get(Booking, booking_id)
    if booking is None or booking.status != BookingStatus.BOOKED:
        return None
    workshop = await _mine(flow, booking.session_id)
    if workshop is None or not _to_come(flow, workshop):
        return None
    holder = await flow.db.get(Person, booking.person_id)
    return workshop, ((holder.name if holder is not None else "") or "-")[:40]


def _to_come(flow: Flow, workshop: WorkshopSession) -> bool:
    """Whether the session is scheduled and has not started: its seats can be cancelled."""
    return workshop.status == SessionStatus.SCHEDULED and workshop.starts_at > flow.now


async def _walk_in(flow: Flow, session_id: int, name: str, phone: str) -> Reply:
    _stop_waiting(flow)
    if await _mine(flow, session_id) is None:
        return await home(flow)
    number = "" if phone.strip().casefold() in {"non", "no", "-", "0"} else phone
    try:
        booking = await register_walk_in(
            flow.db,
            session_id,
            name,
            number,
            flow.now,
            flow.settings.sms_default_region,
            rule=ReminderRule.of(flow.settings),
            sms_regions=flow.settings.sms_allowed_regions,
        )
    except InvalidInput:
        return Reply(flow.t("organiser.invalid"), (_back(flow, session_id),))
    except BookingError as error:
        return refusal(flow, error)
    await _record(flow, "walk_in", session_id)
    key = "organiser.walk_in_done_sms" if number else "organiser.walk_in_done"
    return Reply(flow.t(key, name=name.strip()), (_back(flow, booking.session_id),))


def _confirm(flow: Flow, key: str, session_id: int, **values: object) -> Reply:
    rows: Rows = (
        (flow.choice("organiser.yes", AdminConfirm().pack(), Intent.YES),),
        _back(flow, session_id),
    )
    return Reply(flow.t(key, **values), rows)


def _as_iso(text: str, year: int) -> str:
    """'8/1/2027 14h30', '8/1 14h' or '2027-01-08 14:30' as '2027-01-08T14:30'."""
    cleaned = text.strip().lower().replace("h", ":").replace(" à ", " ").rstrip(":")
    if "/" in cleaned:
        day_part, _, time_part = cleaned.partition(" ")
        day, month, year_part = ([*day_part.split("/"), ""])[:3]
        cleaned = f"{year_part or year}-{int(month):02d}-{int(day):02d} {time_part}"
    day_part, _, time_part = cleaned.replace("t", " ").partition(" ")
    hour, _, minute = time_part.strip().partition(":")
    return f"{day_part}T{int(hour):02d}:{int(minute or 0):02d}"


# The choices this flow answers.


@answers(AdminHome)
async def _on_admin_home(flow: Flow, choice: AdminHome) -> Reply:
    return await home(flow)


@answers(AdminSession)
async def _on_admin_session(flow: Flow, choice: AdminSession) -> Reply:
    return await session_screen(flow, choice.session_id)


@answers(AdminRoster)
async def _on_admin_roster(flow: Flow, choice: AdminRoster) -> Reply:
    return await roster(flow, choice.session_id)


@answers(MarkPresent)
async def _on_mark_present(flow: Flow, choice: MarkPresent) -> Reply:
    return await attendance(flow, choice.booking_id, True)


@answers(MarkAbsent)
async def _on_mark_absent(flow: Flow, choice: MarkAbsent) -> Reply:
    return await attendance(flow, choice.booking_id, False)


@answers(AskWalkIn)
async def _on_ask_walk_in(flow: Flow, choice: AskWalkIn) -> Reply:
    return ask(flow, AwaitingWalkInName(choice.session_id), "organiser.walk_in_name")


@answers(AskMessage)
async def _on_ask_message(flow: Flow, choice: AskMessage) -> Reply:
    return ask(flow, AwaitingMessage(choice.session_id), "organiser.message_prompt")


@answers(AskMove)
async def _on_ask_move(flow: Flow, choice: AskMove) -> Reply:
    return ask(flow, AwaitingMoveDate(choice.session_id), "organiser.move_prompt")


@answers(AskCancelSession)
async def _on_ask_cancel_session(flow: Flow, choice: AskCancelSession) -> Reply:
    return ask_cancel(flow, choice.session_id)


@answers(ConfirmCancelSession)
async def _on_confirm_cancel_session(flow: Flow, choice: ConfirmCancelSession) -> Reply:
    return await cancel(flow, choice.session_id)


@answers(AskCancelSeat)
async def _on_ask_cancel_seat(flow: Flow, choice: AskCancelSeat) -> Reply:
    return await ask_cancel_seat(flow, choice.booking_id)


@answers(ConfirmCancelSeat)
async def _on_confirm_cancel_seat(flow: Flow, choice: ConfirmCancelSeat) -> Reply:
    return await cancel_one_seat(flow, choice.booking_id)


@answers(AdminConfirm)
async def _on_admin_confirm(flow: Flow, choice: AdminConfirm) -> Reply:
    return await confirmed(flow)

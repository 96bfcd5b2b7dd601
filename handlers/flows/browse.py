"""Browsing: upcoming sessions a few per screen, a filter by audience, one session's card."""

from __future__ import annotations

from dataclasses import replace

from core.dialog import Choice, Intent, Reply
from core.errors import BookingError
from core.seats.booking import bookable_session, session_and_booking
from core.seats.catalog import upcoming_audiences, upcoming_page, upcoming_sessions
from core.understanding.describing import described
from core.understanding.intents import best_title
from core.understanding.screens import Expects
from handlers.flows import describe, menu, towns
from handlers.machinery.choices import (
    AskToBook,
    AskToCancel,
    AudienceFilter,
    BookForOther,
    ConfirmBooking,
    JoinLine,
    SessionCard,
    SessionList,
)
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers
from models import BookingStatus, WorkshopSession


async def session_list(flow: Flow, page: int = 0, audience: str = "") -> Reply:
    """One page of upcoming sessions, soonest first; in several towns, the town question
    first, then the chosen town's sessions first."""
    near = await towns.list_or_question(flow, page, audience)
    if near is not None:
        return near
    size = flow.settings.sessions_per_page
    found = await upcoming_page(
        flow.db, flow.now, audience=audience or None, offset=page * size, limit=size
    )
    sessions, total = found.sessions, found.total
    if not sessions and page > 0:
        return await session_list(flow, 0, audience)
    if not sessions:
        return Reply(flow.t("browse.none"), (flow.menu_row(),))
    lines = [describe.list_line(flow, i + 1, s) for i, s in enumerate(sessions)]
    pages = (total + size - 1) // size
    header = (
        flow.t("browse.header", page=page + 1, pages=pages)
        if pages > 1
        else flow.t("browse.header_single")
    )
    rows = describe.page_rows(flow, sessions, page, pages, audience)
    if flow.compact:  # short: the numbered choices are the list, no filter
        return Reply(header, (*rows, flow.menu_row()), expects=Expects.LIST.value)
    if found.audiences > 1:
        rows.append((flow.choice("button.filter", AudienceFilter().pack()),))
    rows.append(flow.menu_row())
    text = "\n\n".join([header, *lines, flow.t("browse.pick")])
    return Reply(text, tuple(rows), expects=Expects.LIST.value)


async def audience_filter(flow: Flow) -> Reply:
    """Choose who the workshops are for."""
    rows: list[tuple[Choice, ...]] = [
        (flow.choice(f"audience.{audience}", SessionList(0, audience).pack()),)
        for audience in await upcoming_audiences(flow.db, flow.now)
        if audience != "tous"
    ]
    rows.append((flow.choice("button.all_audiences", SessionList(0).pack()),))
    rows.append(flow.menu_row())
    return Reply(flow.t("browse.audience_prompt"), tuple(rows))


async def visible_session(flow: Flow, session_id: int) -> WorkshopSession:
    """A session that can still be shown and booked (else a BookingError)."""
    return await bookable_session(flow.db, session_id, flow.now)


async def session_card(flow: Flow, session_id: int, *, asks: bool = False) -> Reply:
    """One session's details, with what the person can do about it.

    ``asks``: the card itself asks the booking question, its first button the clear yes
    (a poster's code: the person has chosen the session already), and its way on is the
    other workshops rather than a list never seen.
    """
    try:  # the session and the person's seat in it, in one query
        workshop, mine = await session_and_booking(flow.db, flow.person.id, session_id, flow.now)
    except BookingError as error:
        return refusal(flow, error)
    rows: list[tuple[Choice, ...]] = []
    text = describe.card(flow, workshop)
    if mine is not None and mine.status == BookingStatus.BOOKED:
        text += "\n\n" + flow.t("session.you_are_booked")
        rows.append((flow.choice("button.cancel_seat", AskToCancel(mine.id).pack()),))
    elif mine is not None:
        text += "\n\n" + flow.t("session.you_are_waiting")
        rows.append((flow.choice("button.leave_line", AskToCancel(mine.id).pack()),))
    elif workshop.seats_left > 0 and flow.compact:
        # By SMS the card names the workshop, the date and the place: OUI books at once.
        text += "\n" + flow.t("session.reply_yes")
        confirm = ConfirmBooking(workshop.id).pack()
        rows.append((flow.choice("button.book", confirm, Intent.YES),))
    elif workshop.seats_left > 0 and asks:
        # The card names the workshop, the date and the place: its yes books at once.
        text += "\n\n" + flow.t("session.ask_book")
        confirm = ConfirmBooking(workshop.id).pack()
        rows.append((flow.choice("button.yes_book", confirm, Intent.YES),))
    elif workshop.seats_left > 0:
        rows.append((flow.choice("button.book", AskToBook(workshop.id).pack()),))
    else:
        rows.append((flow.choice("button.join_line", JoinLine(workshop.id).pack()),))
    back = "button.other_workshops" if asks else "button.back_to_list"
    rows.append((flow.choice(back, SessionList(0).pack()),))
    if workshop.seats_left > 0:  # a relative or a helper books for a person
        other = BookForOther(workshop.id).pack()
        rows.append((flow.choice("button.for_other", other),))
    rows.append(flow.menu_row())
    return Reply(text, tuple(rows), expects=Expects.CARD.value)


async def poster_card(flow: Flow, session_id: int) -> Reply:
    """What a poster's code opens: one message, the welcome's first lines and the session's
    card, which asks the booking question itself (one message to send, not three)."""
    card = await session_card(flow, session_id, asks=True)
    return replace(card, text=f"{menu.poster_welcome(flow)}\n\n{card.text}")


def refusal(flow: Flow, error: BookingError) -> Reply:
    """A polite refusal that changes nothing, with a way on."""
    rows = (
        (flow.choice("button.workshops", SessionList(0).pack()),),
        flow.menu_row(),
    )
    return Reply(flow.t(error.key), rows)


async def session_named(flow: Flow, text: str) -> int | None:
    """The upcoming session whose title the person wrote, even approximately."""
    sessions, _ = await upcoming_sessions(flow.db, flow.now, audience=None, offset=0, limit=50)
    index = best_title(text, [workshop.title for workshop in sessions])
    return None if index is None else sessions[index].id


async def sessions_described(flow: Flow, text: str) -> list[WorkshopSession]:
    """The upcoming session whose title the person wrote, or that the person described
    ("celui pour parler avec mes petits-enfants en vidéo": ``core.understanding.describing``);
    the two a description hesitates between; or none."""
    sessions, _ = await upcoming_sessions(flow.db, flow.now, audience=None, offset=0, limit=50)
    listed = [(workshop.title, workshop.description) for workshop in sessions]
    found = described(text, listed, flow.person.language)
    if found.chosen is not None:
        return [sessions[found.chosen]]
    if found.between is not None:
        return [sessions[index] for index in found.between]
    return []


# The choices this flow answers.


@answers(SessionList)
async def _on_session_list(flow: Flow, choice: SessionList) -> Reply:
    return await session_list(flow, choice.page, choice.audience)


@answers(AudienceFilter)
async def _on_audience_filter(flow: Flow, choice: AudienceFilter) -> Reply:
    return await audience_filter(flow)


@answers(SessionCard)
async def _on_session_card(flow: Flow, choice: SessionCard) -> Reply:
    return await session_card(flow, choice.session_id)

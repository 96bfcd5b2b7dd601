"""Where: the town question when the sessions to come are in more than one town, and the
list with the chosen town's sessions first, then the nearest others with their distance.

Answered by a button, a town or a postcode in one's own words, or a shared location; the
choice is kept on the person (``place_town`` and its point) until they change it.
"""

from __future__ import annotations

from core.dialog import Choice, Reply
from core.places import in_words, place_at, read_place, ready
from core.places.names import folded
from core.seats.catalog import upcoming_audiences
from core.seats.towns import Town, nearest_first, sessions_near, upcoming_towns
from core.understanding.screens import Expects
from handlers.flows import describe
from handlers.machinery.choices import (
    AudienceFilter,
    ChangeTown,
    ChoiceData,
    PickTown,
)
from handlers.machinery.context import Flow
from handlers.machinery.steps import answers
from models import Venue

TOWN_CHOICES = 8
"""Towns offered as buttons; more are reached by writing a town or a postcode."""


def asked(flow: Flow) -> bool:
    """Whether the screen on show is the town question."""
    return any(isinstance(ChoiceData.parse(data), PickTown) for data in flow.state.shown())


def _town_label(flow: Flow, town: Town) -> str:
    km = town.km_from(flow.person.place_latitude, flow.person.place_longitude)
    if km is None:
        return flow.t("place.town_choice", town=town.name)
    return flow.t("place.town_choice_far", town=town.name, distance=in_words(km, flow.t))


def question(flow: Flow, towns: list[Town], *, unknown: bool = False) -> Reply:
    """Which town: the towns as choices, nearest first when the person's place is known."""
    person = flow.person
    ordered = nearest_first(towns, person.place_latitude, person.place_longitude)
    rows: list[tuple[Choice, ...]] = [
        (Choice(_town_label(flow, town), PickTown(town.venue_id).pack()),)
        for town in ordered[:TOWN_CHOICES]
    ]
    rows.append(flow.menu_row())
    return Reply(flow.t("place.unknown" if unknown else "place.question"), tuple(rows))


def _remember(flow: Flow, name: str, latitude: float | None, longitude: float | None) -> None:
    flow.person.place_town = name[:100]
    flow.person.place_latitude = latitude
    flow.person.place_longitude = longitude


def _same_town(towns: list[Town], name: str) -> Town | None:
    key = folded(name)
    return next((town for town in towns if folded(town.name) == key), None)


async def near_list(
    flow: Flow, page: int = 0, audience: str = "", towns: list[Town] | None = None
) -> Reply:
    """One page: the chosen town's sessions first, then the nearest others, with how far.
    ``towns`` are those of every upcoming session, when the caller has them already."""
    person, size = flow.person, flow.settings.sessions_per_page
    if towns is None:
        towns = await upcoming_towns(flow.db, flow.now)
    items, total = await sessions_near(
        flow.db,
        flow.now,
        town=person.place_town,
        latitude=person.place_latitude,
        longitude=person.place_longitude,
        audience=audience or None,
        offset=page * size,
        limit=size,
        towns=None if audience else towns,
    )
    if not items and page > 0:
        return await near_list(flow, 0, audience, towns)
    change = (flow.choice("button.change_town", ChangeTown().pack()),)
    if not items:
        return Reply(flow.t("browse.none"), (change, flow.menu_row()))
    pages = (total + size - 1) // size
    here = _same_town(towns, person.place_town) is not None
    where = flow.t("place.header_town" if here else "place.header_near", town=person.place_town)
    counted = flow.t("browse.header", page=page + 1, pages=pages) if pages > 1 else ""
    header = "\n".join(part for part in (where, counted) if part)
    lines = []
    for number, item in enumerate(items, 1):
        line = describe.list_line(flow, number, item.session)
        if item.km is not None:
            far = flow.t("place.line_far", town=item.town, distance=in_words(item.km, flow.t))
            line += "\n" + far
        lines.append(line)
    sessions = [item.session for item in items]
    rows = describe.page_rows(flow, sessions, page, pages, audience)
    rows.append(change)
    if flow.compact:
        return Reply(header, (*rows, flow.menu_row()), expects=Expects.LIST.value)
    if len(await upcoming_audiences(flow.db, flow.now)) > 1:
        rows.append((flow.choice("button.filter", AudienceFilter().pack()),))
    rows.append(flow.menu_row())
    text = "\n\n".join([header, *lines, flow.t("browse.pick")])
    return Reply(text, tuple(rows), expects=Expects.LIST.value)


async def list_or_question(flow: Flow, page: int = 0, audience: str = "") -> Reply | None:
    """The question when the sessions are in several towns and none was chosen yet, the
    list near the chosen one when one was; None when there is one town (today's list)."""
    towns = await upcoming_towns(flow.db, flow.now)
    if len(towns) < 2:
        return None
    if not flow.person.place_town:
        return question(flow, towns)
    return await near_list(flow, page, audience, towns)


async def typed(flow: Flow, text: str) -> Reply:
    """A town or a postcode written as the answer; a kind answer with the towns when it
    names no place in France."""
    towns = await upcoming_towns(flow.db, flow.now)
    await ready()
    place = read_place(text, [town.name for town in towns])
    if place is None:
        return question(flow, towns, unknown=True)
    known = _same_town(towns, place.name)
    _remember(flow, known.name if known else place.name, place.latitude, place.longitude)
    return await near_list(flow, towns=towns)


async def located(flow: Flow, latitude: float, longitude: float) -> Reply:
    """A shared location: the sessions near it, or a kind answer when it is not in France."""
    towns = await upcoming_towns(flow.db, flow.now)
    await ready()
    place = place_at(latitude, longitude)
    if place is None:
        return question(flow, towns, unknown=True)
    known = _same_town(towns, place.name)
    _remember(flow, known.name if known else place.name, latitude, longitude)
    return await near_list(flow, towns=towns)


async def at_venue(flow: Flow, venue_id: int) -> Reply | None:
    """A venue's poster was scanned: its town is the person's, and its sessions come first
    (None for a venue that does not exist, or is in no known town)."""
    venue = await flow.db.get(Venue, venue_id)
    if venue is None or not venue.town:
        return None
    _remember(flow, venue.town, venue.latitude, venue.longitude)
    return await near_list(flow)


async def change(flow: Flow) -> Reply | None:
    """ "Changer de ville": the question again (None with fewer than two towns)."""
    towns = await upcoming_towns(flow.db, flow.now)
    return question(flow, towns) if len(towns) > 1 else None


# The choices this flow answers.


@answers(PickTown)
async def _on_pick_town(flow: Flow, choice: PickTown) -> Reply:
    towns = await upcoming_towns(flow.db, flow.now)
    venue = await flow.db.get(Venue, choice.venue_id)
    town = _same_town(towns, venue.town) if venue is not None else None
    if town is None:  # no session to come there any more: ask again
        return question(flow, towns)
    _remember(flow, town.name, town.latitude, town.longitude)
    return await near_list(flow, towns=towns)


@answers(ChangeTown)
async def _on_change_town(flow: Flow, choice: ChangeTown) -> Reply:
    towns = await upcoming_towns(flow.db, flow.now)
    return question(flow, towns)

"""Goal-driven conversations against the bot: goals reached and turns taken.

    python -m tools.converse data/conversations/goals_train.json [--channel sms] [--turns 8]

A goals file is a JSON list of people with a goal, each::

    {"id": "fr-book-1", "language": "fr", "goal": "book",
     "replies": {"start": ["bonjour"], "menu": ["je voudrais un atelier"],
                 "list": ["le premier"], "card": ["ouais je prends"], "yesno": ["oui"]}}

``goal`` is one of book, cancel, my_bookings, privacy, forget, workshops. ``replies`` gives,
for each kind of screen, what the person writes on it, tried in order: the n-th time that
kind of screen is shown, the n-th message (a person out of words gives up). The kinds of
screen (``SCREENS``): start (nothing shown yet; without it, the chat is opened first,
unsaid, and the person starts on the menu), menu (no question asked: the main menu, a
notice, "not understood"), list (numbered choices: workshops, bookings), clarify (the bot
asks which of two things was meant; without replies for it, the person types the number of
the offer that leads to their goal), yesno (a confirmation), card (a workshop's card: one
main action), name and phone (a first name or a number asked for), text (anything typed
for an organiser).

Each person talks on a fresh database with four upcoming workshops; for cancel, forget and
my_bookings, the person has one seat booked first (not counted). The bot is driven through
``handlers.machinery.turns.Conversations``, as every channel drives it, on the channel named
(``test`` by default; ``sms`` gives the short texts with numbered choices).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.clock import FixedClock
from core.config import Settings
from core.dialog import Incoming, Kind, Reply, Sender, text_variant
from core.i18n import Translator
from core.seats.privacy import is_erased
from core.understanding.screens import Expects
from handlers.machinery.choices import (
    AskToForget,
    ChoiceData,
    Clarified,
    ConfirmBooking,
    SessionCard,
)
from handlers.machinery.screens import screen_of
from handlers.machinery.state import ConversationState, remember
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Database, Person
from models.migrate import upgrade

GOALS = ("book", "cancel", "my_bookings", "privacy", "forget", "workshops")
START = "start"
CLARIFY = "clarify"
SCREENS = (START, CLARIFY, *(kind.value for kind in Expects))
"""The kinds of screen a goals file gives replies for ("menu" is a screen that asks nothing)."""
TURNS = 8
"""A person who has not reached their goal after this many messages gives up."""
NOW_AT = "2027-01-04T09:00:00+00:00"
BOOKED_FIRST = frozenset({"cancel", "forget", "my_bookings"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """One person's conversation: the goal reached or not, and the messages written."""

    id: str
    language: str
    goal: str
    reached: bool
    turns: int
    screens: tuple[str, ...]
    """The kind of each screen the person wrote on, in order."""


def load(path: Path) -> list[dict[str, Any]]:
    """The goals of a file, checked: a clear error for a malformed entry."""
    goals = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(goals, list):
        raise ValueError("a goals file is a JSON list")
    for goal in goals:
        if goal.get("goal") not in GOALS:
            raise ValueError(f"{goal.get('id')!r}: goal must be one of {', '.join(GOALS)}")
        unknown = set(goal.get("replies", {})) - set(SCREENS)
        if unknown:
            raise ValueError(f"{goal.get('id')!r}: unknown screen kinds {sorted(unknown)}")
    return goals


LEADS_TO = {
    "book": ("workshops",),
    "workshops": ("workshops",),
    "cancel": ("cancel", "my_bookings"),
    "my_bookings": ("my_bookings",),
    "privacy": ("privacy",),
    "forget": ("forget", "privacy"),
}
"""On a clarifying question, the offers that lead to each goal, best first."""


def screen_kind(state: ConversationState) -> str:
    """The kind of screen the person is looking at, as a goals file names it."""
    if any(isinstance(ChoiceData.parse(entry.data), Clarified) for entry in state.choices):
        return CLARIFY
    return screen_of(state).expects.value


def clarified_pick(state: ConversationState, goal: str) -> str | None:
    """What a person with ``goal`` answers a clarifying question: the number of the offer
    that leads to their goal, or None when neither does."""
    offers = [ChoiceData.parse(entry.data) for entry in state.choices]
    for wanted in LEADS_TO[goal]:
        for number, offer in enumerate(offers, start=1):
            if isinstance(offer, Clarified) and offer.intent == wanted:
                return str(number)
    return None


def _shows(replies: list[Reply], kind: type[ChoiceData]) -> bool:
    return any(
        isinstance(ChoiceData.parse(choice.data), kind)
        for reply in replies
        for choice in reply.flat_choices()
    )


async def _bookings(db: Database, person_id: int | None) -> list[Booking]:
    if person_id is None:
        return []
    async with db.transaction() as session:
        query = select(Booking).where(
            Booking.person_id == person_id, Booking.status == BookingStatus.BOOKED
        )
        return list((await session.execute(query)).scalars())


async def _person(db: Database, sender: Sender) -> Person | None:
    async with db.transaction() as session:
        query = select(Person).where(
            Person.channel == sender.channel, Person.external_id == sender.external_id
        )
        return (await session.execute(query)).scalar_one_or_none()


async def _reached(
    goal: str, db: Database, person_id: int | None, replies: list[Reply], mine: str
) -> bool:
    """Whether the goal is reached after the bot's last answer."""
    booked = await _bookings(db, person_id)
    if goal == "book":
        return bool(booked)
    if goal == "cancel":
        return not booked
    if goal == "forget":
        async with db.transaction() as session:
            person = await session.get(Person, person_id) if person_id else None
            return person is None or is_erased(person)
    if goal == "my_bookings":
        return any(mine in reply.text for reply in replies)
    if goal == "privacy":
        return _shows(replies, AskToForget)  # the notice, with its way to erase
    return _shows(replies, SessionCard) and any(reply.expects == "list" for reply in replies)


async def _seed(db: Database) -> list[int]:
    from testkit.factories import NOW, add_session  # the sample workshops of the tests

    titles = ("Prendre en main son smartphone", "Faire son CV", "Les e-mails", "WhatsApp")
    return [
        await add_session(db, title=title, starts_at=NOW + timedelta(days=day + 1, hours=4))
        for day, title in enumerate(titles)
    ]


async def play(
    goal: dict[str, Any], url: str, channel: str = "test", turns: int = TURNS
) -> Outcome:
    """One person with a goal, on a fresh database at ``url``."""
    db = Database(url)
    clock = FixedClock(datetime.fromisoformat(NOW_AT))
    try:
        sessions = await _seed(db)
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        bot = Conversations(db, settings, clock)
        language = str(goal.get("language", "fr"))
        sender = Sender(channel, f"person-{goal.get('id', '')}", "Sam", language)
        count = 0
        state = ConversationState()

        async def send(incoming: Incoming) -> list[Reply]:
            nonlocal count, state
            count += 1
            replies = await bot.handle(replace_key(incoming, count))
            state = remember(state, replies)
            return replies

        mine = Translator(language, text_variant(channel))("mine.header")
        opened = goal["goal"] in BOOKED_FIRST or not goal.get("replies", {}).get(START)
        if opened:  # the chat opened already (a poster's link): not counted
            await send(Incoming(sender, Kind.TEXT, text="/start"))
        if goal["goal"] in BOOKED_FIRST:
            await send(Incoming(sender, Kind.CHOICE, choice=ConfirmBooking(sessions[0]).pack()))
        written = 0
        used: Counter[str] = Counter()
        shown: list[str] = []
        replies_by_kind: dict[str, list[str]] = goal.get("replies", {})
        first = True
        while written < turns:
            kind = START if first and not opened else screen_kind(state)
            first = False
            options = replies_by_kind.get(kind, [])
            if kind == CLARIFY and not options:  # the person picks the offer of their goal
                picked = clarified_pick(state, goal["goal"])
                options = [picked] * (used[kind] + 1) if picked else []
            if used[kind] >= len(options):
                break  # out of words on this screen: the person gives up
            text = options[used[kind]]
            used[kind] += 1
            shown.append(kind)
            replies = await send(Incoming(sender, Kind.TEXT, text=text))
            written += 1
            person = await _person(db, sender)
            person_id = person.id if person is not None else None
            if await _reached(goal["goal"], db, person_id, replies, mine):
                return Outcome(goal["id"], language, goal["goal"], True, written, tuple(shown))
        return Outcome(goal["id"], language, goal["goal"], False, written, tuple(shown))
    finally:
        await db.dispose()


def replace_key(incoming: Incoming, count: int) -> Incoming:
    """The event with an update key of its own (a redelivered one would change nothing)."""
    return replace(incoming, update_key=f"{incoming.sender.external_id}:{count}")


def _template(folder: Path) -> Path:
    path = folder / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


async def play_all(
    goals: list[dict[str, Any]], channel: str = "test", turns: int = TURNS
) -> list[Outcome]:
    """Every person of a goals file, each on a copy of one migrated SQLite database."""
    outcomes = []
    with tempfile.TemporaryDirectory() as folder:
        template = await asyncio.to_thread(_template, Path(folder))
        for index, goal in enumerate(goals):
            copy = Path(folder) / f"goal{index}.db"
            shutil.copyfile(template, copy)
            outcomes.append(await play(goal, f"sqlite+aiosqlite:///{copy}", channel, turns))
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Goals reached and turns taken, in all and per language and per goal."""

    def part(chosen: list[Outcome]) -> dict[str, Any]:
        reached = [o for o in chosen if o.reached]
        return {
            "people": len(chosen),
            "reached": len(reached),
            "share": round(len(reached) / len(chosen), 3) if chosen else 0.0,
            "turns_when_reached": round(sum(o.turns for o in reached) / len(reached), 2)
            if reached
            else None,
        }

    return {
        "all": part(outcomes),
        "language": {
            k: part([o for o in outcomes if o.language == k])
            for k in sorted({o.language for o in outcomes})
        },
        "goal": {
            k: part([o for o in outcomes if o.goal == k])
            for k in sorted({o.goal for o in outcomes})
        },
        "missed": [o.id for o in outcomes if not o.reached],
    }


def main(argv: list[str] | None = None) -> int:
    """Play a goals file; print the summary as JSON (and each conversation with --each)."""
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("goals", type=Path)
    args.add_argument("--channel", default="test")
    args.add_argument("--turns", type=int, default=TURNS)
    args.add_argument("--each", action="store_true", help="also print each conversation's outcome")
    options = args.parse_args(argv)
    outcomes = asyncio.run(play_all(load(options.goals), options.channel, options.turns))
    out: dict[str, Any] = summary(outcomes)
    if options.each:
        out["each"] = [_as_dict(outcome) for outcome in outcomes]
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _as_dict(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.id,
        "language": outcome.language,
        "goal": outcome.goal,
        "reached": outcome.reached,
        "turns": outcome.turns,
        "screens": list(outcome.screens),
    }


if __name__ == "__main__":
    raise SystemExit(main())

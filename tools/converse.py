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
(``test`` by default; ``sms`` gives the short texts with numbered choices; ``whatsapp``
the shapes ``bot.channels.whatsapp`` renders: buttons, a list, or numbered text).

A goals file may instead name its screens as a writer who never saw the bot does
(``BLIND_SCREENS``, as in ``data/conversations/goals_blind1.json``): menu, not_understood,
list, card, confirm_book, name, bookings, confirm_cancel, privacy, confirm_forget, clarify.
Each is the most precise name of one of the kinds above; a screen the person has no words
for under its precise name is answered with the words of its kind, if any. Such a person may
name a ``target`` workshop (``TARGETS``): the four workshops seeded are then those, in that
order, a cancel or my_bookings person's seat is on it, and a book or cancel goal counts only
on it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.channels.whatsapp.render import messages as whatsapp_messages
from core.clock import FixedClock
from core.config import Settings
from core.dialog import PHONE_CHANNELS, WHATSAPP, Incoming, Kind, Reply, Sender, text_variant
from core.i18n import Translator
from core.seats.privacy import is_erased
from core.understanding.screens import Expects
from handlers.machinery.choices import (
    AskToCancel,
    AskToForget,
    ChoiceData,
    Clarified,
    ConfirmBooking,
    ConfirmCancel,
    ConfirmForget,
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
NOT_UNDERSTOOD = "not_understood"
BLIND_SCREENS: dict[str, str] = {
    NOT_UNDERSTOOD: Expects.ANYTHING.value,
    "confirm_book": Expects.YES_NO.value,
    "confirm_cancel": Expects.YES_NO.value,
    "confirm_forget": Expects.YES_NO.value,
    "bookings": Expects.LIST.value,
    "privacy": Expects.ANYTHING.value,
}
"""Screen names of the blind goals files, each with the kind it is a case of."""
TARGETS: dict[str, str] = {
    "smartphone": "Smartphone : les bases",
    "e-mail": "Envoyer un e-mail",
    "demarches": "Démarches en ligne",
    "video": "Appels vidéo",
}
"""The workshops a blind goals file was told about, seeded in this order."""
TITLES = ("Prendre en main son smartphone", "Faire son CV", "Les e-mails", "WhatsApp")
CHANNELS = ("test", "sms", "whatsapp")
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
    clarified: int = 0
    """How many of the person's messages were answered by a clarifying question."""


def load(path: Path) -> list[dict[str, Any]]:
    """The goals of a file, checked: a clear error for a malformed entry."""
    goals = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(goals, list):
        raise ValueError("a goals file is a JSON list")
    for goal in goals:
        if goal.get("goal") not in GOALS:
            raise ValueError(f"{goal.get('id')!r}: goal must be one of {', '.join(GOALS)}")
        unknown = set(goal.get("replies", {})) - set(SCREENS) - set(BLIND_SCREENS)
        if unknown:
            raise ValueError(f"{goal.get('id')!r}: unknown screen kinds {sorted(unknown)}")
        if goal.get("target") and target_key(goal["target"]) is None:
            raise ValueError(f"{goal.get('id')!r}: target must be one of {', '.join(TARGETS)}")
    return goals


def target_key(named: str | None) -> str | None:
    """The key of ``TARGETS`` a goal's target names ("démarches", "Appels vidéo"...)."""
    if not named:
        return None
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", named.casefold()) if not unicodedata.combining(c)
    )
    plain = plain.replace("email", "e-mail").replace("mail", "e-mail").replace("e-e-", "e-")
    return next((key for key in TARGETS if key in plain or plain in key), None)


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


def screen_names(state: ConversationState, replies: list[Reply], t: Translator) -> list[str]:
    """The names of the screen on show, most precise first: a blind file's name, then the
    kind it is a case of."""
    kind = screen_kind(state)
    parsed = [ChoiceData.parse(entry.data) for entry in state.choices]
    precise: str | None = None
    texts = [reply.text.strip() for reply in replies]
    if kind == CLARIFY:
        return [CLARIFY]
    if any(
        text.startswith(t("understand.again")) or text == t("menu.not_understood").strip()
        for text in texts
    ):
        precise = NOT_UNDERSTOOD
    elif kind == Expects.YES_NO.value:
        for data, name in (
            (ConfirmBooking, "confirm_book"),
            (ConfirmCancel, "confirm_cancel"),
            (ConfirmForget, "confirm_forget"),
        ):
            if any(isinstance(choice, data) for choice in parsed):
                precise = name
    elif kind in (Expects.LIST.value, Expects.ANYTHING.value) and any(
        isinstance(choice, AskToCancel) for choice in parsed
    ):
        precise = "bookings"
    elif kind == Expects.ANYTHING.value and any(
        isinstance(choice, AskToForget) for choice in parsed
    ):
        precise = "privacy"
    return [precise, kind] if precise else [kind]


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
    goal: str,
    db: Database,
    person_id: int | None,
    replies: list[Reply],
    mine: str,
    target: int | None = None,
) -> bool:
    """Whether the goal is reached after the bot's last answer (a book or a cancel only on
    the ``target`` session, when there is one)."""
    booked = [b for b in await _bookings(db, person_id) if target is None or b.session_id == target]
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


async def _seed(db: Database, titles: tuple[str, ...] = TITLES) -> list[int]:
    from testkit.factories import NOW, add_session  # the sample workshops of the tests

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
        named = target_key(goal.get("target"))
        sessions = await _seed(db, tuple(TARGETS.values()) if "target" in goal else TITLES)
        target = sessions[list(TARGETS).index(named)] if named else None
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        bot = Conversations(db, settings, clock)
        language = str(goal.get("language", "fr"))
        address = f"+3361234{abs(hash(goal.get('id', ''))) % 10000:04d}"
        external = address if channel in PHONE_CHANNELS else f"person-{goal.get('id', '')}"
        sender = Sender(channel, external, "Sam", language)
        count = 0
        state = ConversationState()
        t = Translator(language, text_variant(channel))
        last: list[Reply] = []

        async def send(incoming: Incoming) -> list[Reply]:
            nonlocal count, state, last
            count += 1
            replies = await bot.handle(replace_key(incoming, count))
            if channel == WHATSAPP:  # each reply must take one of WhatsApp's shapes
                for reply in replies:
                    whatsapp_messages(reply, t)
            state = remember(state, replies)
            last = replies
            return replies

        mine = t("mine.header")
        opened = goal["goal"] in BOOKED_FIRST or not goal.get("replies", {}).get(START)
        if opened:  # the chat opened already (a poster's link): not counted
            await send(Incoming(sender, Kind.TEXT, text="/start"))
        if goal["goal"] in BOOKED_FIRST:
            first_seat = target if target is not None else sessions[0]
            await send(Incoming(sender, Kind.CHOICE, choice=ConfirmBooking(first_seat).pack()))
        written = 0
        used: Counter[str] = Counter()
        shown: list[str] = []
        replies_by_kind: dict[str, list[str]] = goal.get("replies", {})
        first = True
        clarified = 0
        while written < turns:
            names = [START] if first and not opened else screen_names(state, last, t)
            first = False
            kind = next((name for name in names if replies_by_kind.get(name)), names[-1])
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
            clarified += screen_kind(state) == CLARIFY
            person = await _person(db, sender)
            person_id = person.id if person is not None else None
            if await _reached(goal["goal"], db, person_id, replies, mine, target):
                return Outcome(
                    goal["id"], language, goal["goal"], True, written, tuple(shown), clarified
                )
        return Outcome(goal["id"], language, goal["goal"], False, written, tuple(shown), clarified)
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
        written = sum(o.turns for o in chosen)
        return {
            "people": len(chosen),
            "reached": len(reached),
            "share": round(len(reached) / len(chosen), 3) if chosen else 0.0,
            "turns_when_reached": round(sum(o.turns for o in reached) / len(reached), 2)
            if reached
            else None,
            "clarified_share": round(sum(o.clarified for o in chosen) / written, 3)
            if written
            else 0.0,
            "people_clarified": sum(o.clarified > 0 for o in chosen),
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
    args.add_argument("--channel", default="test", choices=CHANNELS)
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
        "clarified": outcome.clarified,
    }


if __name__ == "__main__":
    raise SystemExit(main())

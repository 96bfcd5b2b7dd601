"""Hostile input against the flows, the schedule importer and the SMS webhooks (Hypothesis).

Every example runs in its own event loop (``asyncio.run``) on its own copy of a migrated
SQLite file, so examples never see each other. After each example the booking
invariants of ``tests/support/invariants.py`` must hold.

The bugs these properties found are kept as regression tests at the end of this file.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

import handlers.machinery.router
from bot.channels.sms.android import signature_of
from bot.runtime import Runtime
from core.clock import FixedClock
from core.dialog import SMS, Incoming, Kind, Reply, Sender
from core.i18n import Translator
from core.intake import key_taken_in
from core.phones import normalise_phone
from core.schedule.importer import COLUMNS, import_schedule, parse_schedule
from core.seats.catalog import AUDIENCES
from core.seats.offers import expire_due_offers
from core.understanding.intents import opt_out_of
from handlers.machinery.choices import (
    AcceptOffer,
    AskToBook,
    AskToCancel,
    AudienceFilter,
    ChoiceData,
    ConfirmBooking,
    ConfirmCancel,
    DeclineOffer,
    Help,
    JoinLine,
    Keep,
    Menu,
    MyBookings,
    SessionCard,
    SessionList,
    WillCome,
)
from handlers.machinery.turns import Conversations
from models import (
    Booking,
    BookingStatus,
    Conversation,
    Database,
    OutboxMessage,
    Person,
    ProcessedUpdate,
    WorkshopSession,
)
from models.migrate import upgrade
from tests.support.factories import NOW, add_session, make_settings
from tests.support.invariants import BookingRow, bookings_by_id, invariant_violations
from tests.support.sms_providers import FakeAndroidGateway, FakeTwilio

PARIS = ZoneInfo("Europe/Paris")
MAX_ID = 2**31 - 1
"""The largest id a session or booking can have (PostgreSQL INTEGER)."""

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the project
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

APOLOGIES = frozenset(
    Translator(language, variant)(key)
    for language in ("fr", "en")
    for variant in (None, SMS)
    for key in ("error.try_again", "error.unexpected")
)
"""What the router answers when something went wrong: never acceptable here."""


# --- Running examples -------------------------------------------------------------------


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file that every example copies."""
    path = tmp_path_factory.mktemp("template") / "atelier.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    assert not path.with_name("atelier.db-wal").exists()
    return path


@contextlib.contextmanager
def fresh_url(template: Path) -> Iterator[str]:
    """The URL of a private copy of the migrated template, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "atelier.db"
        shutil.copyfile(template, target)
        yield f"sqlite+aiosqlite:///{target}"


def run_example(template: Path, scenario: Callable[[str], Coroutine[Any, Any, None]]) -> None:
    """Run one Hypothesis example in its own event loop on its own database."""
    with fresh_url(template) as url:
        asyncio.run(scenario(url))


@contextlib.asynccontextmanager
async def opened(url: str) -> AsyncIterator[Database]:
    """A Database, disposed of at the end (filterwarnings=error sees leaked connections)."""
    db = Database(url)
    try:
        yield db
    finally:
        await db.dispose()


# --- What an answer must look like ----------------------------------------------------------


def expected_silence(opted_out: bool, incoming: Incoming) -> bool:
    """True when no answer is due, False when one is: after STOP only STOP/START are."""
    if incoming.kind == Kind.TEXT and opt_out_of(incoming.text) is not None:
        return False
    return opted_out


def assert_proper_answer(replies: list[Reply], silent: bool | None) -> None:
    """Non-empty when due, empty when not; no apology; only choices the bot can decode."""
    if silent is True:
        assert replies == [], [r.text for r in replies]
    elif silent is False:
        assert replies, "no answer"
    for reply in replies:
        assert reply.text.strip(), "an empty message"
        assert reply.text not in APOLOGIES, reply.text
        for choice in reply.flat_choices():
            assert choice.label.strip(), reply
            assert len(choice.data.encode()) <= 64, choice
            assert ChoiceData.parse(choice.data) is not None, choice


async def assert_invariants(db: Database) -> None:
    """(a) seats add up and fit, (b) one active booking per person and session."""
    problems = await invariant_violations(db)
    assert not problems, problems


async def opted_out(db: Database, sender: Sender) -> bool:
    """Whether the sender wrote STOP (False for someone unknown)."""
    async with db.transaction() as session:
        query = select(Person.opted_out).where(
            Person.channel == sender.channel, Person.external_id == sender.external_id
        )
        return bool((await session.execute(query)).scalar_one_or_none())


async def person_id_of(db: Database, sender: Sender) -> int | None:
    """The sender's person id, if they ever wrote."""
    async with db.transaction() as session:
        query = select(Person.id).where(
            Person.channel == sender.channel, Person.external_id == sender.external_id
        )
        return (await session.execute(query)).scalar_one_or_none()


def unchanged_for_others(
    before: dict[int, BookingRow], after: dict[int, BookingRow], actor: int | None
) -> list[str]:
    """(c) What changed in other people's bookings beyond being offered a freed seat.

    The only change someone else's message may cause to a booking is the offer of a
    seat that message freed (a waiting booking gains ``offer_expires_at``).
    """
    problems = []
    for booking_id, old in before.items():
        if old.person_id == actor:
            continue
        new = after.get(booking_id)
        if new == old:
            continue
        offered = (
            new is not None
            and old.status == BookingStatus.WAITING
            and old.offer_expires_at is None
            and new.offer_expires_at is not None
            and new == replace(old, offer_expires_at=new.offer_expires_at)
        )
        if not offered:
            problems.append(f"booking {booking_id} of person {old.person_id}: {old} -> {new}")
    for booking_id, new in after.items():
        if booking_id not in before and new.person_id != actor:
            problems.append(f"booking {booking_id} created for person {new.person_id}")
    return problems


def describe_state(row: BookingRow | None) -> str:
    """A booking's state in a word, for Hypothesis' statistics."""
    if row is None:
        return "new"
    return row.status + (" with an offer" if row.offer_expires_at else "")


def record_transitions(before: dict[int, BookingRow], after: dict[int, BookingRow]) -> None:
    """Tell Hypothesis which booking changes happened (``--hypothesis-show-statistics``)."""
    for booking_id, new in after.items():
        old = before.get(booking_id)
        if describe_state(old) != describe_state(new):
            event(f"{describe_state(old)} -> {describe_state(new)}")


# --- Strategies ---------------------------------------------------------------------------------

WORDS = [
    "oui",
    "OUI !",
    "non",
    "annuler",
    "ANNULER",
    "je ne peux pas venir",
    "mes inscriptions",
    "ateliers",
    "menu",
    "aide",
    "STOP",
    "Stop",
    "START",
    "start",
    "arrêter",
    "1",
    "2",
    "3",
    "4",
    "5",
    "9",
    "0",
    "le 2",
    "deux",
    "999",
    "/start",
    "/start s1",
    "/start s2",
    "/start s3",
    "/start s0",
    "/annuler",
    "/aide",
    "/inscriptions",
    "/inconnu",
    "",
    " ",
    "\n\t",
    "🙂",
    "👍🏽👍🏽",
    "\u200b",
    "\x00",
    "\u202e1",
]
"""Words the flows understand, and near misses."""

long_text = st.builds(
    lambda chunk, length: (chunk * (length // len(chunk) + 1))[:length],
    st.text(min_size=1, max_size=12),
    st.integers(1_000, 5_000),
)
odd_characters = st.text(
    st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "So", "Sk", "Mn", "Co"]), max_size=30
)
texts = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=60),
    odd_characters,
    long_text,
    st.builds(lambda n: f"/start s{n}", st.integers(0, MAX_ID)),
    st.builds(
        lambda word, before, after: before + word + after,
        st.sampled_from(WORDS),
        st.text(" .!?\n😀", max_size=3),
        st.text(" .!?\n😀", max_size=3),
    ),
)
"""Anything a person may write (but the known deep-link crash)."""

PREFIXES = [
    Menu.prefix,
    Help.prefix,
    SessionList.prefix,
    AudienceFilter.prefix,
    SessionCard.prefix,
    AskToBook.prefix,
    ConfirmBooking.prefix,
    JoinLine.prefix,
    MyBookings.prefix,
    AskToCancel.prefix,
    ConfirmCancel.prefix,
    AcceptOffer.prefix,
    DeclineOffer.prefix,
    Keep.prefix,
    WillCome.prefix,
]
BOOKING_PREFIXES = [
    AskToCancel.prefix,
    ConfirmCancel.prefix,
    AcceptOffer.prefix,
    DeclineOffer.prefix,
    WillCome.prefix,
]
SESSION_PREFIXES = [SessionCard.prefix, AskToBook.prefix, ConfirmBooking.prefix, JoinLine.prefix]
ids = st.one_of(
    st.integers(-2, 12),
    st.sampled_from([MAX_ID, MAX_ID + 1, 2**63, 10**30]),
    st.integers(),
)
id_text = st.one_of(
    ids.map(str),
    st.sampled_from(["", "007", "1e3", "0x1", "\u0661", "²", " 1", "1 ", "+1", "1.0"]),
    st.text(max_size=6),
)
forged_data = st.one_of(
    st.sampled_from(PREFIXES),
    st.builds(lambda p, n: f"{p}:{n}", st.sampled_from(PREFIXES), id_text),
    st.builds(
        lambda n, a: f"{SessionList.prefix}:{n}:{a}",
        id_text,
        st.sampled_from([*AUDIENCES, "martiens", "", "TOUS"]),
    ),
    st.builds(lambda p, parts: ":".join([p, *parts]), st.sampled_from(PREFIXES), st.lists(id_text)),
    st.builds(
        lambda p, n, before, after: f"{before}{p}:{n}{after}",
        st.sampled_from(PREFIXES),
        ids,
        st.sampled_from(["", " ", "\n", "X", ":", "0"]),
        st.sampled_from(["", " ", "\n", ":", ":0", "0" * 60]),
    ),
)
choice_data = st.one_of(st.text(max_size=80), forged_data)
"""Button data as a forger would send it: random text, or near-valid action data."""


# --- 1. Written text --------------------------------------------------------------------------


@PROPERTY
@given(messages=st.lists(texts, min_size=1, max_size=6), language=st.sampled_from(["fr", "en"]))
def test_any_written_text_is_answered_and_keeps_the_invariants(
    template_db: Path, messages: list[str], language: str
) -> None:
    """Whatever is written, the person gets an answer (silence only after STOP)."""

    async def scenario(url: str) -> None:
        async with opened(url) as db:
            await add_session(db, capacity=2)
            await add_session(db, title="Petit", capacity=1)
            flows = Conversations(db, make_settings(url), FixedClock(NOW))
            sender = Sender("test", "writer", "Ana", language)
            for number, text in enumerate(messages):
                incoming = Incoming(sender, Kind.TEXT, text=text, update_key=f"w{number}")
                silent = expected_silence(await opted_out(db, sender), incoming)
                assert_proper_answer(await flows.handle(incoming), silent)
            await assert_invariants(db)

    run_example(template_db, scenario)


# --- 2. Forged button data ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Others:
    """Bookings of other people, in every state, that a forger must not be able to touch."""

    booking_ids: list[int]


async def seed_other_peoples_bookings(db: Database) -> Others:
    """Anne: booked, holding an offer, waiting, cancelled, booked in the past; Claude: booked."""
    soon = NOW + timedelta(days=2)
    one = await add_session(db, title="Un", capacity=3, seats_taken=1, starts_at=soon)
    two = await add_session(db, title="Deux", capacity=1, seats_taken=1, starts_at=soon)
    three = await add_session(db, title="Trois", capacity=1, seats_taken=1, starts_at=soon)
    four = await add_session(db, title="Quatre", capacity=4, starts_at=soon)
    past = await add_session(
        db, title="Passé", capacity=2, seats_taken=1, starts_at=NOW - timedelta(days=1)
    )
    async with db.transaction() as session:
        anne = Person(
            channel="test",
            external_id="anne",
            name="Anne",
            language="fr",
            created_at=NOW,
            last_seen_at=NOW,
        )
        claude = Person(
            channel="test",
            external_id="claude",
            name="Claude",
            language="fr",
            created_at=NOW,
            last_seen_at=NOW,
        )
        session.add_all([anne, claude])
        await session.flush()

        def booking(person: Person, session_id: int, status: str, **more: Any) -> Booking:
            return Booking(
                person_id=person.id,
                session_id=session_id,
                status=status,
                created_at=NOW,
                updated_at=NOW,
                **more,
            )

        rows = [
            booking(anne, one, BookingStatus.BOOKED),
            booking(anne, two, BookingStatus.WAITING, offer_expires_at=NOW + timedelta(hours=3)),
            booking(claude, three, BookingStatus.BOOKED),
            booking(anne, three, BookingStatus.WAITING),
            booking(anne, four, BookingStatus.CANCELLED),
            booking(anne, past, BookingStatus.BOOKED),
        ]
        session.add_all(rows)
        await session.flush()
        return Others([row.id for row in rows])


targeted_data = st.one_of(
    choice_data,
    st.builds(
        lambda prefix, index: (prefix, index), st.sampled_from(BOOKING_PREFIXES), st.integers(0, 5)
    ),
)
"""Random data, or ``(prefix, n)``: a well-formed action on the n-th booking of others."""


@PROPERTY
@given(sent=st.lists(targeted_data, min_size=1, max_size=8))
def test_forged_button_data_never_changes_someone_elses_booking(
    template_db: Path, sent: list[str | tuple[str, int]]
) -> None:
    """Bruno sends random and forged data, also well-formed actions on Anne's bookings."""

    async def scenario(url: str) -> None:
        async with opened(url) as db:
            others = await seed_other_peoples_bookings(db)
            await assert_invariants(db)
            before = await bookings_by_id(db)
            flows = Conversations(db, make_settings(url), FixedClock(NOW))
            bruno = Sender("test", "bruno", "Bruno", "fr")
            for number, item in enumerate(sent):
                if isinstance(item, tuple):
                    prefix, index = item
                    data = f"{prefix}:{others.booking_ids[index]}"
                else:
                    data = item
                incoming = Incoming(bruno, Kind.CHOICE, choice=data, update_key=f"b{number}")
                assert_proper_answer(await flows.handle(incoming), silent=False)
            bruno_id = await person_id_of(db, bruno)
            after = await bookings_by_id(db)
            # Nothing Bruno can do frees a seat Anne waits for: hers must be exactly as seeded.
            assert {i: row for i, row in after.items() if row.person_id != bruno_id} == before
            await assert_invariants(db)

    run_example(template_db, scenario)


# --- 3. Conversations of a few people, step by step ------------------------------------------


@dataclass(frozen=True, slots=True)
class Write:
    """Person ``who`` writes ``text``."""

    who: int
    text: str


@dataclass(frozen=True, slots=True)
class Press:
    """Person ``who`` presses a choice of their last screen (by position, wrapping)."""

    who: int
    index: int


@dataclass(frozen=True, slots=True)
class Act:
    """Person ``who`` sends a well-formed action on a session or on a booking.

    ``own`` picks among their own bookings, otherwise among everybody else's.
    """

    who: int
    prefix: str
    index: int
    own: bool


@dataclass(frozen=True, slots=True)
class Forge:
    """Person ``who`` sends random button data."""

    who: int
    data: str


@dataclass(frozen=True, slots=True)
class Redeliver:
    """The channel delivers person ``who``'s last update again."""

    who: int


@dataclass(frozen=True, slots=True)
class TimePasses:
    """The clock moves on and expired seat offers pass to the next in line."""

    minutes: int


Step = Write | Press | Act | Forge | Redeliver | TimePasses
PEOPLE = [
    Sender("telegram", "100", "Marie", "fr"),
    Sender("telegram", "200", "John", "en"),
    Sender(SMS, "+33612345678", "", "fr"),
]
who = st.integers(0, len(PEOPLE) - 1)
mostly_the_first = st.sampled_from([0, 0, 0, 1, 2, 3])
"""Which session or booking an action is about: crowding one makes lines and offers."""
booking_on_a_session = st.sampled_from(
    [ConfirmBooking.prefix, ConfirmBooking.prefix, JoinLine.prefix]
)
on_my_booking = st.sampled_from(
    [*BOOKING_PREFIXES, ConfirmCancel.prefix, AcceptOffer.prefix, DeclineOffer.prefix]
)
steps = st.one_of(
    st.builds(Write, who, texts),
    st.builds(Press, who, st.integers(0, 20)),
    st.builds(Press, who, st.integers(0, 20)),
    st.builds(Act, who, booking_on_a_session, mostly_the_first, st.just(True)),
    st.builds(Act, who, booking_on_a_session, mostly_the_first, st.just(True)),
    st.builds(Act, who, on_my_booking, mostly_the_first, st.just(True)),
    st.builds(Act, who, on_my_booking, mostly_the_first, st.just(True)),
    st.builds(
        Act,
        who,
        st.sampled_from(SESSION_PREFIXES + BOOKING_PREFIXES),
        st.integers(0, 9),
        st.booleans(),
    ),
    st.builds(Forge, who, choice_data),
    st.builds(Redeliver, who),
    st.builds(TimePasses, st.sampled_from([5, 60, 361])),
)
"""Steps mixing the last screen's choices, well-formed actions, text and forgeries."""

CROWDED: list[Step] = [
    Act(0, ConfirmBooking.prefix, 0, own=True),
    Act(1, ConfirmBooking.prefix, 1, own=True),
    Act(2, ConfirmBooking.prefix, 1, own=True),
    Act(1, JoinLine.prefix, 0, own=True),
    Act(2, JoinLine.prefix, 0, own=True),
    Act(0, JoinLine.prefix, 1, own=True),
]
"""The first session: 0 booked, 1 then 2 in line; the second: 1 and 2 booked, 0 in line."""


@dataclass
class Stage:
    """The world a list of steps plays in."""

    db: Database
    flows: Conversations
    clock: FixedClock
    session_ids: list[int]
    last: dict[int, list[Reply]] = field(default_factory=dict)
    sent: dict[int, Incoming] = field(default_factory=dict)
    keys: Iterator[int] = field(default_factory=itertools.count)

    def incoming(self, who: int, kind: Kind, *, text: str = "", choice: str = "") -> Incoming:
        """A new update from person ``who``."""
        key = f"{who}:{next(self.keys)}"
        return Incoming(PEOPLE[who], kind, text=text, choice=choice, update_key=key)

    async def data_for(self, step: Act) -> str:
        """The action data of ``step``, resolved against the bookings as they are now."""
        if step.prefix in SESSION_PREFIXES:
            return f"{step.prefix}:{self.session_ids[step.index % len(self.session_ids)]}"
        me = await person_id_of(self.db, PEOPLE[step.who])
        bookings = sorted(
            (
                row
                for row in (await bookings_by_id(self.db)).values()
                if (row.person_id == me) == step.own
            ),
            key=lambda row: row.id,
        )
        target = bookings[step.index % len(bookings)].id if bookings else step.index + 1
        return f"{step.prefix}:{target}"

    async def play(self, step: Step) -> None:
        """Play one step and check everything that must hold after it."""
        before = await bookings_by_id(self.db)
        if isinstance(step, TimePasses):
            self.clock.advance(timedelta(minutes=step.minutes))
            settings = self.flows.settings
            await expire_due_offers(self.db, self.clock.now(), settings.offer_expiry_minutes)
        elif isinstance(step, Redeliver):
            if step.who not in self.sent:
                return
            assert await self.flows.handle(self.sent[step.who]) == [], "a redelivery answered"
            assert await bookings_by_id(self.db) == before, "a redelivery changed bookings"
        else:
            incoming = await self.incoming_for(step)
            silent = expected_silence(await opted_out(self.db, incoming.sender), incoming)
            replies = await self.flows.handle(incoming)
            assert_proper_answer(replies, silent)
            self.sent[step.who] = incoming
            if replies:
                self.last[step.who] = replies
            actor = await person_id_of(self.db, incoming.sender)
            problems = unchanged_for_others(before, await bookings_by_id(self.db), actor)
            assert not problems, problems
        await assert_invariants(self.db)
        record_transitions(before, await bookings_by_id(self.db))

    async def incoming_for(self, step: Write | Press | Act | Forge) -> Incoming:
        """The update a step sends."""
        if isinstance(step, Write):
            return self.incoming(step.who, Kind.TEXT, text=step.text)
        if isinstance(step, Forge):
            return self.incoming(step.who, Kind.CHOICE, choice=step.data)
        if isinstance(step, Act):
            return self.incoming(step.who, Kind.CHOICE, choice=await self.data_for(step))
        choices = [c for reply in self.last.get(step.who, []) for c in reply.flat_choices()]
        if not choices:
            return self.incoming(step.who, Kind.TEXT, text="menu")
        return self.incoming(step.who, Kind.CHOICE, choice=choices[step.index % len(choices)].data)


@settings(PROPERTY, max_examples=30)
@given(plan=st.lists(steps, min_size=10, max_size=40))
def test_random_conversations_keep_every_invariant(template_db: Path, plan: list[Step]) -> None:
    """Three people browse, book, queue, cancel, accept, forge and wait, in any order.

    They start from crowded sessions (see ``CROWDED``), so that a cancellation, a
    declined offer or time passing hands seats on through the waiting lines.
    """

    async def scenario(url: str) -> None:
        async with opened(url) as db:
            session_ids = [
                await add_session(db, title="Tablette", capacity=1),
                await add_session(
                    db,
                    title="Courriel",
                    capacity=2,
                    audience="tous",
                    starts_at=NOW + timedelta(days=3),
                ),
                await add_session(
                    db, title="Bientôt", capacity=1, starts_at=NOW + timedelta(hours=5)
                ),
            ]
            clock = FixedClock(NOW)
            flows = Conversations(db, make_settings(url), clock)
            stage = Stage(db, flows, clock, session_ids)
            for step in [*CROWDED, *plan]:
                await stage.play(step)

    run_example(template_db, scenario)


# --- 4. Schedule files --------------------------------------------------------------------


def csv_cell(value: str, force_quotes: bool) -> str:
    """One CSV field, quoted when it has to be (or when asked)."""
    if force_quotes or any(char in value for char in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def physical_lines(text: str) -> int:
    """How many lines the csv module counts in ``text``."""
    return len(io.StringIO(text, newline="").readlines())


@dataclass(frozen=True, slots=True)
class CsvFile:
    """A generated schedule file, and the lines whose rows are bad."""

    content: str
    good_rows: int
    bad_lines: list[int]


PRINTABLE = st.characters(exclude_categories=("Cc", "Cs")).filter(
    lambda char: not (0xFDD0 <= ord(char) <= 0xFDEF or ord(char) & 0xFFFE == 0xFFFE)
)
"""What a cell may hold: control characters (a NUL, an escape) and noncharacters (U+FFFE)
make the row bad."""


def cell_text(limit: int) -> st.SearchStrategy[str]:
    """Text a required cell accepts: not blank once stripped, within ``limit``."""
    return st.text(PRINTABLE, min_size=1, max_size=min(limit - 1, 40)).map(
        lambda s: s if s.strip() else s + "x"
    )


BAD_VALUES: dict[str, list[str]] = {
    "title": ["", "   ", "t" * 201],
    "description": ["d" * 2001],
    "audience": ["martiens", "", "seniors,jeunes"],
    "starts_at": ["06/01/2027 14h", "", "2027-02-30T14:00", "2027-01-06 14:00"],
    "duration_minutes": ["0", "-5", "1441", "beaucoup", "", "1.5"],
    "capacity": ["0", "10001", "huit", ""],
    "venue": ["", "v" * 201],
    "address": [" ", "a" * 301],
    "bring": ["b" * 301],
}


@st.composite
def schedule_files(draw: st.DrawFn) -> CsvFile:
    """A file with a shuffled header, good rows and rows broken in one known way."""
    columns = draw(
        st.permutations([*COLUMNS, *draw(st.sampled_from([[], ["bring"], ["bring", "notes"]]))])
    )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    header = ",".join(draw(st.sampled_from(["", " "])) + name for name in columns)
    text = draw(st.sampled_from(["", "\ufeff"])) + header + newline
    line = 2
    good_rows: list[dict[str, str]] = []
    bad_lines: list[int] = []
    for index in range(draw(st.integers(0, 6))):
        start = datetime(2027, 2, 1, 8, tzinfo=UTC) + timedelta(
            days=index, hours=draw(st.integers(0, 12))
        )
        cells = {
            "title": draw(cell_text(200)),
            "description": draw(st.text(PRINTABLE, max_size=40)),
            "audience": draw(
                st.sampled_from(AUDIENCES).map(lambda a: a.upper() if len(a) % 2 else a)
            ),
            "starts_at": draw(st.sampled_from(["", " "])) + start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": str(draw(st.integers(1, 24 * 60))),
            "capacity": str(draw(st.integers(1, 10_000))),
            "venue": draw(cell_text(200)),
            "address": draw(cell_text(300)),
            "bring": draw(st.text(PRINTABLE, max_size=20)),
            "notes": draw(st.text(max_size=20)),
        }
        fault = draw(st.sampled_from(["none", "none", "value", "more", "fewer", "duplicate"]))
        if fault == "value":
            column = draw(st.sampled_from([c for c in BAD_VALUES if c in columns]))
            cells[column] = draw(st.sampled_from(BAD_VALUES[column]))
        elif fault == "duplicate" and good_rows:
            cells = dict(draw(st.sampled_from(good_rows)))
        elif fault == "duplicate":
            fault = "none"
        values = [cells[name] for name in columns]
        if fault == "more":
            values.append(draw(st.text(max_size=5)))
        if fault == "fewer":  # at least one required column goes missing
            last_required = max(columns.index(name) for name in COLUMNS)
            values = values[: draw(st.integers(2, last_required))]
        row = ",".join(csv_cell(value, draw(st.booleans())) for value in values) + newline
        if fault == "none":
            good_rows.append(cells)
        else:
            bad_lines.append(line)
        line += physical_lines(row)
        text += row
    if draw(st.booleans()):
        text = text.removesuffix(newline)
    return CsvFile(text, len(good_rows), bad_lines)


async def session_count(db: Database) -> int:
    """How many sessions exist."""
    async with db.transaction() as session:
        return int((await session.execute(select(func.count(WorkshopSession.id)))).scalar_one())


@PROPERTY
@given(file=schedule_files())
def test_a_schedule_file_reports_exactly_its_bad_lines_or_imports_whole(
    template_db: Path, file: CsvFile
) -> None:
    """Bad rows are reported on their own line (multi-line cells counted); else all load."""

    async def scenario(url: str) -> None:
        async with opened(url) as db:
            async with db.transaction() as session:
                report = await import_schedule(session, file.content, PARIS)
            assert [error.line for error in report.errors] == file.bad_lines, report.errors
            imported = file.good_rows if not file.bad_lines else 0
            assert report.created == imported
            assert await session_count(db) == imported

    run_example(template_db, scenario)


raw_csv = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda header, body: header + body,
        st.sampled_from([",".join(COLUMNS) + "\n", ",".join(reversed(COLUMNS)) + "\r\n"]),
        st.text(max_size=300),
    ),
    st.builds(
        lambda rows: ",".join(COLUMNS) + "\n" + "\n".join(",".join(row) for row in rows),
        st.lists(st.lists(st.text(',"\n\r ab1-:T\x00é', max_size=12), max_size=10), max_size=6),
    ),
)


@PROPERTY
@given(content=raw_csv)
def test_any_text_as_a_schedule_file_imports_whole_or_nothing(
    template_db: Path, content: str
) -> None:
    """Random text never raises: every row is imported, or errors with lines and nothing."""

    async def scenario(url: str) -> None:
        async with opened(url) as db:
            rows, errors = parse_schedule(content, PARIS)
            async with db.transaction() as session:
                report = await import_schedule(session, content, PARIS)
            last_line = physical_lines(content.lstrip("\ufeff")) + 1
            assert report.errors == errors
            for error in report.errors:
                assert 1 <= error.line <= last_line, (error, last_line)
                assert str(error).startswith(f"Ligne {error.line} : ")
            if report.errors:
                assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
                assert await session_count(db) == 0
            else:
                assert report.created == len(rows)
                assert await session_count(db) == len(rows)
                async with db.transaction() as session:
                    again = await import_schedule(session, content, PARIS)
                assert (again.created, again.unchanged) == (0, len(rows))

    run_example(template_db, scenario)


# --- 5. SMS webhooks over real HTTP -----------------------------------------------------------

SID = "AC" + "1" * 32
TOKEN = "twilio-auth-token"
ANDROID_KEY = "android-signing-key"
GATEWAY_PASSWORD = "gateway-password"


@dataclass(frozen=True, slots=True)
class Text:
    """One webhook call: a text from ``sender``; ``forgery`` says how it is not genuine."""

    sender: str
    body: str
    message_id: str
    forgery: str | None = None
    event: str = "sms:received"
    extra: tuple[tuple[str, str], ...] = ()


TWILIO_FORGERIES = ["unsigned", "garbage", "wrong-key", "tampered", "other-url"]
ANDROID_FORGERIES = ["unsigned", "garbage", "wrong-key", "tampered", "stale"]
phone_numbers = st.one_of(
    st.sampled_from(
        [
            "+33612345678",
            "06 12 34 56 79",
            "+352 621 123 456",
            "0033 7 00 00 00 01",
            "+33612345678 ",
        ]
    ),
    st.text(max_size=20),
)
message_ids = st.one_of(st.sampled_from(["SM1", "SM2", "", "evt"]), st.text(max_size=40))
texts_over_sms = st.builds(
    Text,
    sender=phone_numbers,
    body=st.one_of(texts, st.sampled_from(["STOP", "START", "1", "oui", "annuler"])),
    message_id=message_ids,
    forgery=st.one_of(
        st.none(), st.none(), st.sampled_from(sorted(set(TWILIO_FORGERIES + ANDROID_FORGERIES)))
    ),
    event=st.sampled_from(["sms:received", "sms:received", "sms:sent", ""]),
    extra=st.lists(
        st.tuples(st.from_regex(r"[A-Z][A-Za-z]{0,8}", fullmatch=True), st.text(max_size=10)),
        max_size=3,
    ).map(tuple),
)


class SmsPhone:
    """Posts provider webhooks to the running bot, signed or forged."""

    def __init__(self, client: httpx.AsyncClient, provider: str, port: int) -> None:
        self.client = client
        self.provider = provider
        self.url = f"http://127.0.0.1:{port}/sms/{provider}"

    async def post(self, text: Text) -> httpx.Response:
        """Send one webhook call as the provider would (or as a forger would)."""
        if self.provider == "twilio":
            return await self._twilio(text)
        return await self._android(text)

    async def _twilio(self, text: Text) -> httpx.Response:
        params = {
            **dict(text.extra),
            "From": text.sender,
            "To": "+33700000000",
            "Body": text.body,
            "MessageSid": text.message_id,
            "AccountSid": SID,
        }
        forgery = text.forgery if text.forgery in TWILIO_FORGERIES else None
        token = "another token" if forgery == "wrong-key" else TOKEN
        url = self.url.replace("/sms/", "/other/") if forgery == "other-url" else self.url
        headers = {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, params)}
        if forgery == "unsigned":
            headers = {}
        elif forgery == "garbage":
            headers["X-Twilio-Signature"] = "bm90IGEgc2lnbmF0dXJl"
        elif forgery == "tampered":
            params["Body"] += "!"
        return await self.client.post(self.url, data=params, headers=headers)

    async def _android(self, text: Text) -> httpx.Response:
        event = {
            "deviceId": "ffffffffceb0b1db00000193991c27e5",
            "event": text.event,
            "id": text.message_id,
            "payload": {"message": text.body, "phoneNumber": text.sender, "simNumber": 1},
            "webhookId": "LreFUt-Z3sSq0JufY9uWB",
            **dict(text.extra),
        }
        raw = json.dumps(event).encode()
        forgery = text.forgery if text.forgery in ANDROID_FORGERIES else None
        stamp = str(int(time.time()) - (3_600 if forgery == "stale" else 0))
        key = "not the key" if forgery == "wrong-key" else ANDROID_KEY
        headers = {
            "Content-Type": "application/json",
            "X-Timestamp": stamp,
            "X-Signature": signature_of(key, raw, stamp),
        }
        if forgery == "unsigned":
            del headers["X-Signature"], headers["X-Timestamp"]
        elif forgery == "garbage":
            headers["X-Signature"] = "0" * 64
        elif forgery == "tampered":
            raw = raw.replace(b'"payload": {', b'"payload": {"x": 1, ', 1)
        return await self.client.post(self.url, content=raw, headers=headers)


def is_forged(text: Text, provider: str) -> bool:
    """Whether ``text`` is not genuine for ``provider``."""
    return text.forgery in (TWILIO_FORGERIES if provider == "twilio" else ANDROID_FORGERIES)


def carries_a_text(text: Text, provider: str) -> bool:
    """Whether a genuine call carries a text for the flows (a sender and an id)."""
    if provider == "android" and text.event != "sms:received":
        return False
    return bool(text.sender and text.message_id)


async def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table a webhook may write to."""
    counts = {}
    async with db.transaction() as session:
        for model in (Person, ProcessedUpdate, OutboxMessage, Conversation, Booking):
            query = select(func.count()).select_from(model)
            counts[model.__tablename__] = int((await session.execute(query)).scalar_one())
    return counts


async def outbox_keys(db: Database) -> set[str]:
    """The key of every queued message."""
    async with db.transaction() as session:
        return set((await session.execute(select(OutboxMessage.key))).scalars())


@contextlib.asynccontextmanager
async def sms_bot(url: str, provider: str) -> AsyncIterator[tuple[Runtime, SmsPhone]]:
    """The bot with ``provider`` set up against a loopback fake, and a phone to text it."""
    fake: FakeTwilio | FakeAndroidGateway = (
        FakeTwilio(SID, TOKEN)
        if provider == "twilio"
        else FakeAndroidGateway("sms", GATEWAY_PASSWORD)
    )
    async with fake:
        more: dict[str, object] = {
            "sms_provider": provider,
            "http_port": 0,
            "sms_rate_per_second": 500,
        }
        if provider == "twilio":
            more |= {
                "twilio_account_sid": SID,
                "twilio_auth_token": TOKEN,
                "twilio_from_number": "+33700000000",
                "twilio_api_base_url": fake.base_url,
            }
        else:
            more |= {
                "android_sms_api_url": fake.base_url,
                "android_sms_username": "sms",
                "android_sms_password": GATEWAY_PASSWORD,
                "android_sms_signing_key": ANDROID_KEY,
            }
        runtime = Runtime(make_settings(url, **more), FixedClock(NOW))
        await runtime.start()
        try:
            assert runtime.http is not None
            async with httpx.AsyncClient() as client:
                yield runtime, SmsPhone(client, provider, runtime.http.port)
        finally:
            await runtime.stop()


@settings(PROPERTY, max_examples=25)
@given(
    provider=st.sampled_from(["twilio", "android"]),
    calls=st.lists(texts_over_sms, min_size=1, max_size=8),
)
def test_sms_webhooks_answer_genuine_texts_and_refuse_forged_ones(
    template_db: Path, provider: str, calls: list[Text]
) -> None:
    """Genuine texts: 200 and a queued answer; forged ones: 403 and nothing written."""

    async def scenario(url: str) -> None:
        async with sms_bot(url, provider) as (runtime, phone):
            db = runtime.db
            # Ten days ahead: no reminder falls due while the texts arrive, so every
            # new outbox row is an answer to one of them.
            await add_session(db, capacity=1, starts_at=NOW + timedelta(days=10))
            seen: set[str] = set()
            stopped: set[str] = set()
            for text in calls:
                counts, keys = await table_counts(db), await outbox_keys(db)
                response = await phone.post(text)
                if is_forged(text, provider):
                    assert response.status_code == 403, response.text
                    assert await table_counts(db) == counts
                    event("forged: refused")
                    continue
                assert response.status_code == 200, response.text
                new_keys = await outbox_keys(db) - keys
                number = normalise_phone(text.sender)
                if not carries_a_text(text, provider) or number is None:
                    assert await table_counts(db) == counts
                    event("genuine, no text or no phone number: acknowledged")
                    continue
                if text.message_id in seen:  # a redelivery: answered once only
                    assert not new_keys
                    event("genuine, redelivered: not answered again")
                    continue
                seen.add(text.message_id)
                kind = Kind.TEXT if text.body.strip() else Kind.OTHER
                incoming = Incoming(Sender(SMS, number), kind, text=text.body)
                silent = expected_silence(number in stopped, incoming)
                update_key = key_taken_in(f"{provider}:{text.message_id}")
                prefix = f"reply:{SMS}:{update_key}:"
                assert all(key.startswith(prefix) for key in new_keys), new_keys
                assert bool(new_keys) != silent, (text, new_keys)
                event("genuine: silent after STOP" if silent else "genuine: answered")
                stop = opt_out_of(text.body) if kind == Kind.TEXT else None
                if stop:
                    stopped.add(number)
                elif stop is False:
                    stopped.discard(number)
            await assert_invariants(db)

    run_example(template_db, scenario)


# --- Bugs these properties found, kept as regression tests ----------------------------------


@pytest.mark.parametrize("payload", ["s²", "s99999999999999999999"])
async def test_a_mistyped_deep_link_gets_a_polite_refusal(
    db: Database, clock: FixedClock, payload: str
) -> None:
    """'/start s<garbage digits>' is answered like an unknown session, not with an apology."""
    flows = Conversations(db, make_settings(db.url), clock)
    incoming = Incoming(
        Sender("test", "linker", "Lina", "fr"), Kind.TEXT, text=f"/start {payload}", update_key="dl"
    )
    replies = await flows.handle(incoming)
    assert_proper_answer(replies, silent=False)


async def test_after_stop_a_blank_written_message_gets_no_answer(
    sqlite_url: str, clock: FixedClock
) -> None:
    """After STOP only START is answered, even when the text is only spaces."""
    async with opened(sqlite_url) as db:
        flows = Conversations(db, make_settings(sqlite_url), clock)
        sender = Sender("telegram", "stopper", "Sam", "fr")
        await flows.handle(Incoming(sender, Kind.TEXT, text="STOP", update_key="1"))
        assert await flows.handle(Incoming(sender, Kind.TEXT, text="menu", update_key="2")) == []
        assert await flows.handle(Incoming(sender, Kind.TEXT, text="\u3000 ", update_key="3")) == []


async def test_an_sms_that_crashes_the_flow_still_gets_an_answer(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a flow step must not leave an SMS sender without any answer."""

    async def broken(flow: object, text: str) -> list[Reply]:
        raise RuntimeError("a bug in a flow step")

    monkeypatch.setattr(handlers.machinery.router, "on_text", broken)
    async with sms_bot(sqlite_url, "twilio") as (runtime, phone):
        response = await phone.post(Text("+33612345678", "bonjour", "SM-crash"))
        assert response.status_code == 200
        assert any(
            key.startswith("reply:sms:twilio:SM-crash:") for key in await outbox_keys(runtime.db)
        )


def test_a_bad_row_after_a_blank_line_is_reported_on_its_own_line() -> None:
    """Line 3 is blank; the bad row is on line 4."""
    content = (
        ",".join(COLUMNS)
        + "\nA,D,tous,2027-03-01T14:00,90,8,Boutique,Metz\n"
        + "\n"
        + "B,D,tous,not-a-date,90,8,Boutique,Metz\n"
    )
    _, errors = parse_schedule(content, PARIS)
    assert [error.line for error in errors] == [4]


def test_a_start_at_the_edge_of_the_calendar_is_reported_not_raised() -> None:
    """The importer reports every bad value with its line; it never raises."""
    content = ",".join(COLUMNS) + "\nA,D,tous,0001-01-01T00:00,90,8,Boutique,Metz\n"
    _, errors = parse_schedule(content, PARIS)
    assert [error.line for error in errors] == [2]


@pytest.mark.postgres
async def test_a_nul_character_in_a_schedule_is_dropped_on_postgresql(postgres_url: str) -> None:
    """The importer never raises: a NUL (PostgreSQL cannot store one) is dropped as the
    file is read, and the cell is what was meant; other control characters are reported."""
    content = ",".join(COLUMNS) + "\nA\x00,D,tous,2027-03-01T14:00,90,8,Boutique,Metz\n"
    async with opened(postgres_url) as db:
        async with db.transaction() as session:
            report = await import_schedule(session, content, PARIS)
        assert report.errors == []
        assert await session_count(db) == 1
    content = ",".join(COLUMNS) + "\nA\x1b,D,tous,2027-03-01T14:00,90,8,Boutique,Metz\n"
    async with opened(postgres_url) as db:
        async with db.transaction() as session:
            report = await import_schedule(session, content, PARIS)
        assert [error.line for error in report.errors] == [2]

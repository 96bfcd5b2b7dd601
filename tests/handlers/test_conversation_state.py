"""The conversation state, typed: every waiting state read back as stored, the JSON shape
of earlier releases unchanged, and malformed stored state never a crash."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from core.clock import FixedClock
from core.dialog import Choice, Intent, Reply
from handlers.machinery.state import (
    WAITING_STATES,
    Awaiting,
    AwaitingMessage,
    AwaitingMoveDate,
    AwaitingOtherName,
    AwaitingOtherPhone,
    AwaitingWalkInName,
    AwaitingWalkInPhone,
    ConversationState,
    MessageReady,
    MoveReady,
    Remembered,
    remember,
)
from handlers.machinery.turns import Conversations
from models import Conversation, Database, Person
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings

AT = datetime(2027, 1, 8, 13, 30, tzinfo=UTC)
SHOWN = ("s:12", "menu")
EVERY_WAITING_STATE: list[Awaiting] = [
    AwaitingWalkInName(12),
    AwaitingWalkInPhone(12, name="Jeanne"),
    AwaitingMessage(12),
    MessageReady(12, text="Pensez à votre chargeur !"),
    AwaitingMoveDate(12),
    MoveReady(12, at=AT),
    AwaitingOtherName(12, shown=SHOWN),
    AwaitingOtherPhone(12, shown=SHOWN, name="Rose"),
]
CHOICES = [["s:12", None, "1/3 Tablette"], ["forgety", "yes", "Oui"], ["menu", "menu", "Menu"]]

# The state as earlier releases stored it, each waiting state under its key.
STORED_BEFORE: list[tuple[dict[str, Any], Awaiting]] = [
    ({"organiser": {"what": "walk_in_name", "session": 12}}, AwaitingWalkInName(12)),
    (
        {"organiser": {"what": "walk_in_phone", "session": 12, "name": "Jeanne"}},
        AwaitingWalkInPhone(12, "Jeanne"),
    ),
    ({"organiser": {"what": "message", "session": 12}}, AwaitingMessage(12)),
    (
        {"organiser": {"what": "message_ready", "session": 12, "text": "À demain"}},
        MessageReady(12, "À demain"),
    ),
    ({"organiser": {"what": "move", "session": 12}}, AwaitingMoveDate(12)),
    (
        {"organiser": {"what": "move_ready", "session": 12, "at": "2027-01-08T13:30:00+00:00"}},
        MoveReady(12, AT),
    ),
    (
        {"for_other": {"what": "name", "session": 12, "shown": ["s:12", "menu"]}},
        AwaitingOtherName(12, SHOWN),
    ),
    (
        {"for_other": {"what": "phone", "session": 12, "name": "Rose", "shown": ["s:12", "menu"]}},
        AwaitingOtherPhone(12, SHOWN, "Rose"),
    ),
]


def test_every_waiting_state_is_declared_and_tested() -> None:
    assert {type(waiting) for waiting in EVERY_WAITING_STATE} == set(WAITING_STATES)
    assert {type(waiting) for _, waiting in STORED_BEFORE} == set(WAITING_STATES)


@pytest.mark.parametrize("waiting", EVERY_WAITING_STATE, ids=lambda w: type(w).__name__)
def test_every_waiting_state_reads_back_as_it_was_saved(waiting: Awaiting) -> None:
    state = ConversationState.from_json({"choices": CHOICES})
    state.awaiting = waiting
    read = ConversationState.from_json(state.to_json())
    assert read.awaiting == waiting
    assert read.choices == state.choices


@pytest.mark.parametrize(("stored", "waiting"), STORED_BEFORE, ids=lambda x: str(x)[:30])
def test_state_stored_by_earlier_releases_reads_back_and_is_saved_the_same(
    stored: dict[str, Any], waiting: Awaiting
) -> None:
    before = {"choices": CHOICES, **stored}
    state = ConversationState.from_json(before)
    assert state.awaiting == waiting
    assert state.to_json() == before


def test_remembered_choices_of_earlier_releases() -> None:
    state = ConversationState.from_json({"choices": [*CHOICES, ["l:0", "unknown-intent"]]})
    assert state.choices == (
        Remembered("s:12", None, "1/3 Tablette"),
        Remembered("forgety", Intent.YES, "Oui"),
        Remembered("menu", Intent.MENU, "Menu"),
        Remembered("l:0", None, ""),  # no label, an intent this release does not know
    )
    assert state.asks_yes_no()
    assert state.offered("forgety")
    assert not state.offered("b:12")


def test_keys_this_release_does_not_know_are_kept() -> None:
    assert ConversationState.from_json({"on": "whatsapp"}).to_json() == {"on": "whatsapp"}


def test_an_organiser_answer_is_awaited_before_a_booking_for_someone_else() -> None:
    both = {
        "organiser": {"what": "message", "session": 3},
        "for_other": {"what": "name", "session": 4, "shown": []},
    }
    assert ConversationState.from_json(both).awaiting == AwaitingMessage(3)
    broken = {**both, "organiser": {"what": "message"}}  # the next readable one is kept
    assert ConversationState.from_json(broken).awaiting == AwaitingOtherName(4, ())


MALFORMED_WAITING = [
    "walk_in_name",
    ["what", "message"],
    {},
    {"what": "dance", "session": 12},  # unknown
    {"what": ["message"], "session": 12},
    {"what": "message"},  # no session
    {"what": "message", "session": "12"},
    {"what": "message", "session": 0},
    {"what": "message", "session": True},
    {"what": "message", "session": None},
    {"what": "message", "session": 1.5},
    {"what": "walk_in_phone", "session": 12},  # no name
    {"what": "walk_in_phone", "session": 12, "name": 7},
    {"what": "message_ready", "session": 12, "text": None},
    {"what": "move_ready", "session": 12, "at": "demain"},
    {"what": "move_ready", "session": 12, "at": "2027-01-08T13:30:00"},  # no time zone
    {"what": "move_ready", "session": 12, "at": 1800000000},
    {"what": "name", "session": 12},  # a booking-for-other state under the organiser's key
]
MALFORMED_FOR_OTHER = [
    {"what": "name", "session": 12},  # no shown
    {"what": "name", "session": 12, "shown": "s:12"},
    {"what": "name", "session": 12, "shown": [12]},
    {"what": "phone", "session": 12, "shown": []},  # no name
    {"what": "message", "session": 12, "shown": []},  # an organiser's under for_other
]


@pytest.mark.parametrize("raw", MALFORMED_WAITING, ids=repr)
def test_a_malformed_organiser_state_waits_for_nothing(raw: object) -> None:
    state = ConversationState.from_json({"choices": CHOICES, "organiser": raw})
    assert state.awaiting is None
    assert len(state.choices) == 3  # the rest of the state is still read
    assert "organiser" not in state.to_json()


@pytest.mark.parametrize("raw", MALFORMED_FOR_OTHER, ids=repr)
def test_a_malformed_booking_for_someone_else_waits_for_nothing(raw: object) -> None:
    assert ConversationState.from_json({"for_other": raw}).awaiting is None


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "choices",
        [["s:12", None, "Tablette"]],
        {"choices": "menu"},
        {"choices": [["s:12", None, "Tablette"], "menu"]},
        {"choices": [[12, None, "Tablette"]]},
        {"choices": [["s:12", None, None]]},
        {"choices": [["s:12", None, "Tablette", "extra"]]},
        {"choices": [[]]},
    ],
    ids=repr,
)
def test_malformed_remembered_choices_are_all_forgotten(raw: object) -> None:
    """All of them: a written "2" must never pick a choice that was numbered differently."""
    state = ConversationState.from_json(raw)
    assert state.choices == ()
    assert state.awaiting is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
KNOWN = st.sampled_from(["choices", "organiser", "for_other", "what", "session", "shown"])


@given(
    st.dictionaries(KNOWN, JSON | st.dictionaries(KNOWN, JSON), max_size=4)
    | JSON.filter(lambda x: not isinstance(x, dict))
)
def test_any_stored_json_reads_without_error_and_saves_back_readable(stored: object) -> None:
    state = ConversationState.from_json(stored)
    assert ConversationState.from_json(state.to_json()) == state


async def _stored(db: Database, external_id: str) -> dict[str, Any]:
    async with db.transaction() as session:
        query = select(Conversation.state).join(Person).where(Person.external_id == external_id)
        return dict((await session.execute(query)).scalar_one())


async def _store(db: Database, external_id: str, state: dict[str, Any]) -> None:
    async with db.transaction() as session:
        person = select(Person.id).where(Person.external_id == external_id).scalar_subquery()
        await session.execute(
            update(Conversation).where(Conversation.person_id == person).values(state=state)
        )


async def test_a_booking_for_someone_else_is_stored_as_before_and_resumes(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=4)
    helper = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Karim")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    stored = await _stored(db, "1")
    shown = [c.data for c in helper.last[-1].flat_choices()]
    assert stored["for_other"] == {"what": "name", "session": session_id, "shown": shown}
    assert [entry[0] for entry in stored["choices"]] == shown

    # As an earlier release left it, written by hand: the question is still answered.
    await _store(db, "1", {"choices": stored["choices"], "for_other": stored["for_other"]})
    await helper.say("Rose")
    assert "Quel est le numéro de portable de Rose ?" in helper.text
    stored = await _stored(db, "1")
    assert stored["for_other"]["what"] == "phone"
    assert stored["for_other"]["name"] == "Rose"


async def test_an_organiser_message_waiting_from_before_is_still_confirmed(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=4)
    settings = make_settings(db.url, admin_telegram_ids=[990])
    organiser = Chat(Conversations(db, settings, clock), "990", name="Nadia", channel="telegram")
    await organiser.say("/admin")
    await _store(
        db,
        "990",
        {
            "choices": [["ay", "yes", "Oui, c'est bon"], [f"as:{session_id}", None, "Retour"]],
            "organiser": {"what": "message_ready", "session": session_id, "text": "À demain"},
        },
    )
    await organiser.say("oui")
    assert "Personnes qui vont le recevoir : 0." in organiser.text
    assert "organiser" not in await _stored(db, "990")


async def test_malformed_stored_state_is_a_fresh_start_not_an_error(
    db: Database, clock: FixedClock
) -> None:
    person = Chat(Conversations(db, make_settings(db.url), clock), "2")
    await person.say("bonjour")
    menu = [["menu", "menu", "Menu"]]
    await _store(
        db,
        "2",
        {"choices": menu, "for_other": {"what": "phone", "session": "twelve", "shown": ["menu"]}},
    )
    await person.say("Rose")
    assert "Désolé" not in person.text
    assert "Je n'ai pas compris." in person.text
    assert "for_other" not in await _stored(db, "2")


async def test_a_malformed_confirmation_waiting_is_no_error(
    db: Database, clock: FixedClock
) -> None:
    settings = make_settings(db.url, admin_telegram_ids=[990])
    organiser = Chat(Conversations(db, settings, clock), "990", name="Nadia", channel="telegram")
    await organiser.say("/admin")
    confirm = [["ay", "yes", "Oui, c'est bon"]]
    moved = {"what": "move_ready", "session": 1, "at": "tomorrow"}
    await _store(db, "990", {"choices": confirm, "organiser": moved})
    await organiser.say("oui")
    assert "Désolé" not in organiser.text
    assert "organiser" not in await _stored(db, "990")


# The order in which a written message is tried (router.TEXT_READERS), as people notice it.


async def test_an_organisers_message_is_taken_as_typed_even_if_it_looks_like_a_code(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=4)
    settings = make_settings(db.url, admin_telegram_ids=[990])
    organiser = Chat(Conversations(db, settings, clock), "990", name="Nadia", channel="telegram")
    await organiser.say("/admin")
    await organiser.pick(f"am:{session_id}")
    assert "Écrivez le message pour les inscrits." in organiser.text
    await organiser.say(f"Atelier {session_id}")
    assert "J'envoie ce message à chaque inscrit :" in organiser.text
    assert f"Atelier {session_id}" in organiser.text


async def test_stop_is_obeyed_while_a_first_name_is_awaited(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=4)
    helper = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Karim")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    await helper.say("STOP")
    assert "vous ne recevrez plus de messages" in helper.text
    assert await helper.say("Rose") == []  # silence until START


async def test_a_poster_code_opens_its_session_while_a_first_name_is_awaited(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=4, title="Tablette pour débuter")
    helper = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Karim")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    await helper.say(f"ATELIER {session_id}")
    assert "Tablette pour débuter" in helper.text
    assert "Quel est le numéro" not in helper.text


def test_what_the_screen_expects_and_the_message_asked_about_read_back() -> None:
    state = ConversationState(screen="card", asked="annuler ?")
    stored = state.to_json()
    assert stored["screen"] == "card"
    back = ConversationState.from_json(stored)
    assert (back.screen, back.asked) == ("card", "annuler ?")
    assert ConversationState.from_json({"screen": 3, "asked": ["x"]}).screen == ""
    assert "screen" not in ConversationState().to_json()


def test_a_reply_says_what_it_expects_and_it_is_remembered() -> None:
    reply = Reply("Les ateliers", ((Choice("Atelier", "s:1"),),), expects="list")
    assert remember(ConversationState(), [reply]).screen == "list"

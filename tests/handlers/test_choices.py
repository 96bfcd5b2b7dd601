"""Choice data: typed kinds, one strict codec, and a step for every kind."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import handlers.machinery.router  # noqa: F401  (imports every flow, which registers its steps)
from handlers.machinery.choices import (
    MAX_BYTES,
    AdminHome,
    AskToBook,
    ChoiceData,
    Clarified,
    SessionList,
    SpeakLanguage,
    kinds,
)
from handlers.machinery.steps import answered

# Data as buttons sent by earlier releases carry it: it must still parse, to the same thing.
SENT_BEFORE = {
    "menu": "Menu()",
    "l:0": "SessionList(page=0, audience='')",
    "l:2:seniors": "SessionList(page=2, audience='seniors')",
    "b:12": "AskToBook(session_id=12)",
    "by:12": "ConfirmBooking(session_id=12)",
    "cy:7": "ConfirmCancel(booking_id=7)",
    "here:7": "WillCome(booking_id=7)",
    "lg:ar": "SpeakLanguage(code='ar')",
    "forgety": "ConfirmForget()",
    "acsy:3": "ConfirmCancelSeat(booking_id=3)",
}


@pytest.mark.parametrize(("data", "expected"), SENT_BEFORE.items())
def test_data_sent_by_earlier_releases_still_parse(data: str, expected: str) -> None:
    choice = ChoiceData.parse(data)
    assert repr(choice) == expected
    assert choice is not None
    assert choice.pack() == data


def test_every_kind_of_choice_has_the_step_of_its_flow() -> None:
    assert set(kinds().values()) == answered()


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "b",  # an id missing
        "b:0",  # no id is 0
        "b:2147483648",  # over the ids a database holds
        "b:1:2",  # a field too many
        "b:-1",
        "b:1e3",
        "menu:1",
        "l:1:nobody",  # an audience that does not exist
        "lg:xx",  # a language the bot does not speak
        "zz:1",  # an unknown kind
        "B:1",
        "b: 1",
        "b:١٢",  # digits, but not ASCII ones
        "s:" + "9" * 70,  # over Telegram's 64 bytes
    ],
)
def test_forged_data_parse_to_nothing(forged: str) -> None:
    assert ChoiceData.parse(forged) is None


def test_pages_past_the_last_are_the_last_one_kept() -> None:
    assert ChoiceData.parse("l:99999") == SessionList(10_000)


def test_organiser_kinds_say_so() -> None:
    assert AdminHome.organisers_only
    assert not AskToBook.organisers_only
    assert SpeakLanguage("fr").pack() == "lg:fr"


@given(st.text(max_size=80))
def test_any_text_parses_to_nothing_or_to_what_it_packs(data: str) -> None:
    choice = ChoiceData.parse(data)
    if choice is not None:
        assert ChoiceData.parse(choice.pack()) == choice
        assert len(choice.pack().encode()) <= MAX_BYTES


@pytest.mark.parametrize("kind", sorted(kinds().values(), key=lambda kind: kind.prefix))
def test_every_kind_round_trips_at_its_largest(kind: type[ChoiceData]) -> None:
    values: dict[str, object] = {}
    for field in dataclasses.fields(kind):  # type: ignore[arg-type]
        values[field.name] = 2**31 - 1 if field.type in ("Id", "Page") else field.default
    if kind is SpeakLanguage:
        values["code"] = "tr"
    if kind is SessionList:
        values = {"page": 10_000, "audience": "seniors"}
    if kind is Clarified:
        values["intent"] = "my_bookings"
    choice = kind(**values)
    assert ChoiceData.parse(choice.pack()) == choice

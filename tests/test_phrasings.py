"""Recognition of what people write, measured on a table of real-looking phrasings.

The table (tests/data/phrasings.csv) holds at least 200 messages, in every language the bot
speaks, with what each one means: an intent, a choice number, or nothing the bot should act
on. The accuracy must reach 95 %, and no message may be read as a "yes" it is not: a "yes"
is what confirms a booking or a cancellation.
"""

from __future__ import annotations

import csv

from core.intents import TextIntent, intent_of, number_of
from tests.support.factories import DATA

TARGET = 0.95


def table() -> list[tuple[str, str]]:
    with (DATA / "phrasings.csv").open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["expected"]) for row in csv.DictReader(handle)]


def understood(text: str) -> str:
    """What the bot makes of a message, the way the router reads it."""
    number = number_of(text)
    if number is not None:
        return f"number:{number}"
    intent = intent_of(text)
    return intent.value if intent is not None else "none"


def test_the_table_is_large_enough() -> None:
    assert len(table()) >= 200


def test_accuracy_is_at_least_95_percent() -> None:
    rows = table()
    wrong = [(text, expected, understood(text)) for text, expected in rows]
    wrong = [case for case in wrong if case[1] != case[2]]
    accuracy = 1 - len(wrong) / len(rows)
    print(f"\nintent recognition: {accuracy:.1%} of {len(rows)} phrasings; wrong: {wrong}")
    assert accuracy >= TARGET, wrong


def test_nothing_is_read_as_a_yes_that_is_not_one() -> None:
    false_yes = [
        text
        for text, expected in table()
        if expected != TextIntent.YES.value and understood(text) == TextIntent.YES.value
    ]
    assert not false_yes

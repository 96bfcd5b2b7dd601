"""Each written message goes through the understanding pipeline once per turn.

The opt-out check (language-free, as the SMS provider's rules are), the reading in the
person's language and the "is this a first name?" check share one reading whenever the
language does not change the message's words.
"""

from __future__ import annotations

import csv
import itertools

import pytest

from core.clock import FixedClock
from core.understanding import classifier
from core.understanding.intents import read, read_both
from handlers.machinery.turns import Conversations
from models import Database
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings
from tools.train_intents import CORPUS


def count_classifier_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the classifier is run on, from now on."""
    runs: list[str] = []
    original = classifier.LinearModel.probabilities

    def counted(model: classifier.LinearModel, text: str) -> dict[str, float]:
        runs.append(text)
        return original(model, text)

    monkeypatch.setattr(classifier.LinearModel, "probabilities", counted)
    return runs


async def test_a_message_on_the_menu_is_read_once(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_session(db, capacity=4)
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1", language="fr")
    await chat.say("bonjour")
    runs = count_classifier_runs(monkeypatch)
    await chat.say("je voudrais voir les ateliers proposés")
    assert "atelier" in chat.text.lower()
    assert len(runs) == 1


async def test_a_first_name_for_someone_else_is_read_once(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = await add_session(db, capacity=4)
    helper = Chat(Conversations(db, make_settings(db.url), clock), "1", name="Karim")
    await helper.say("bonjour")
    await helper.pick(f"s:{session_id}")
    await helper.press("Je réserve pour quelqu'un")
    runs = count_classifier_runs(monkeypatch)
    await helper.say("Fatima")
    assert "Quel est le numéro de portable de Fatima ?" in helper.text
    assert len(runs) == 1


def corpus() -> list[tuple[str, str]]:
    with (CORPUS / "intents_heldout11.csv").open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["language"]) for row in csv.DictReader(handle)]


@pytest.mark.parametrize("language", ["fr", "en", "ar", "tr", None])
def test_both_readings_are_what_read_gives(language: str | None) -> None:
    extra = [("g pas compris", "fr"), ("k", "en"), ("s yok", "tr"), ("we", "fr")]
    for text, _ in itertools.chain(corpus(), extra):
        both = read_both(text, language)
        assert both.neutral.as_json() == read(text).as_json(), text
        assert both.own.as_json() == read(text, language).as_json(), text

"""tools/converse.py plays goal-driven conversations and counts goals reached and turns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.converse import load, main, play_all, summary

GOALS = Path(__file__).parents[1] / "data" / "conversations" / "goals_train.json"


async def test_the_training_goals_are_reached_in_few_turns() -> None:
    outcomes = await play_all(load(GOALS))
    result = summary(outcomes)
    assert result["missed"] == []
    assert set(result["language"]) == {"fr", "en", "ar", "tr"}
    assert all(outcome.turns <= 5 for outcome in outcomes)


async def test_a_person_out_of_words_gives_up_and_a_yes_alone_books_nothing() -> None:
    stuck = {"id": "x", "language": "fr", "goal": "book", "replies": {"menu": ["oui"]}}
    (outcome,) = await play_all([stuck])
    assert not outcome.reached


def test_a_malformed_goals_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "goals.json"
    path.write_text(json.dumps([{"id": "x", "goal": "dance", "replies": {}}]))
    with pytest.raises(ValueError, match="goal must be one of"):
        load(path)


def test_the_summary_is_printed_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(GOALS)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["all"]["people"] == len(load(GOALS))


async def test_a_blind_goal_books_only_its_target_workshop_on_whatsapp() -> None:
    def person(target: str) -> dict[str, object]:
        return {
            "id": f"b-{target}",
            "language": "fr",
            "goal": "book",
            "target": target,
            "replies": {
                "menu": ["je voudrais voir les ateliers"],
                "list": ["le 2"],
                "card": ["je réserve"],
                "confirm_book": ["oui"],
                "name": ["Monique"],
            },
        }

    right, wrong = await play_all([person("e-mail"), person("démarches")], channel="whatsapp")
    assert right.reached  # the second workshop is the e-mail one
    assert not wrong.reached
    assert "confirm_book" in right.screens or "card" in right.screens


async def test_a_blind_cancel_answers_its_confirmation_under_its_own_name() -> None:
    person = {
        "id": "c",
        "language": "fr",
        "goal": "cancel",
        "target": "video",
        "replies": {"menu": ["je veux annuler ma place"], "confirm_cancel": ["oui"]},
    }
    (outcome,) = await play_all([person], channel="sms")
    assert outcome.reached
    assert outcome.screens[-1] == "confirm_cancel"


def test_an_unknown_target_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "goals.json"
    path.write_text(json.dumps([{"id": "x", "goal": "book", "target": "cooking", "replies": {}}]))
    with pytest.raises(ValueError, match="target must be one of"):
        load(path)

"""WhatsApp messages and templates within Meta's documented limits."""

from __future__ import annotations

import json
import re

import pytest

from bot.channels.whatsapp import limits, render, templates
from bot.cli import main
from core.dialog import Choice, Notice, Reply, Venue
from core.i18n import LANGUAGES, Translator

T = Translator("fr")


def choices(*labels: str) -> tuple[tuple[Choice, ...], ...]:
    return tuple((Choice(label, f"s:{index}"),) for index, label in enumerate(labels, 1))


def test_three_short_choices_are_reply_buttons() -> None:
    [message] = render.messages(Reply("Que voulez-vous faire ?", choices("Oui", "Non", "Menu")), T)
    assert message["interactive"]["type"] == "button"
    buttons = message["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["Oui", "Non", "Menu"]


def test_four_choices_or_long_titles_are_a_list_with_whole_labels_in_descriptions() -> None:
    long = "Prendre en main son smartphone, mercredi 6 janvier"
    [message] = render.messages(Reply("Les ateliers :", choices(long, "Menu")), T)
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    row = interactive["action"]["sections"][0]["rows"][0]
    assert len(row["title"]) <= limits.LIST_ROW_TITLE
    assert row["title"].endswith("…")
    assert row["description"] == long
    assert len(interactive["action"]["button"]) <= limits.LIST_BUTTON


def test_more_than_ten_choices_or_a_long_body_are_numbered_text() -> None:
    many = choices(*(f"Choix {n}" for n in range(1, 12)))
    [message] = render.messages(Reply("Choisissez :", many), T)
    assert message["type"] == "text"
    assert "1. Choix 1\n" in message["text"]["body"]
    assert "11. Choix 11" in message["text"]["body"]
    [long] = render.messages(Reply("x" * (limits.INTERACTIVE_BODY + 1), choices("Oui")), T)
    assert long["type"] == "text"
    [huge] = render.messages(Reply("y" * 5000), T)
    assert len(huge["text"]["body"]) == limits.TEXT_BODY


def test_the_place_is_a_location_message() -> None:
    place = Venue("Boutique Orange Metz", "57000 Metz", 49.1196, 6.1757)
    _, location = render.messages(Reply("C'est réservé !", venue=place), T)
    assert location == {
        "type": "location",
        "location": {
            "latitude": 49.1196,
            "longitude": 6.1757,
            "name": "Boutique Orange Metz",
            "address": "57000 Metz",
        },
    }


def test_the_cli_prints_every_template_in_every_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["whatsapp-templates"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == templates.all_definitions()
    assert len(printed) == len(templates.TEMPLATES) * len(LANGUAGES)
    assert {t["language"] for t in printed} == {"fr", "en", "ar", "tr"}


@pytest.mark.parametrize("definition", templates.all_definitions(), ids=lambda d: str(d))
def test_each_template_follows_metas_rules(definition: dict[str, object]) -> None:
    assert re.fullmatch(r"[a-z0-9_]{1,512}", str(definition["name"]))
    assert definition["category"] == "UTILITY"
    components = definition["components"]
    assert isinstance(components, list)
    body = next(c for c in components if c["type"] == "BODY")
    text = body["text"]
    assert len(text) <= limits.TEMPLATE_BODY
    numbers = [int(n) for n in re.findall(r"\{\{(\d+)\}\}", text)]
    assert sorted(set(numbers)) == list(range(1, len(set(numbers)) + 1))
    assert not re.match(r"\s*\{\{", text)  # a variable neither opens...
    assert not re.search(r"\}\}\s*$", text)  # ...nor closes the body
    assert not re.search(r"\}\}\s*\{\{", text)  # and two never touch
    assert len(body["example"]["body_text"][0]) == len(set(numbers))
    for component in components:
        if component["type"] == "BUTTONS":
            buttons = component["buttons"]
            assert 1 <= len(buttons) <= limits.TEMPLATE_BUTTONS
            for button in buttons:
                assert button["type"] == "QUICK_REPLY"
                assert 0 < len(button["text"]) <= limits.TEMPLATE_QUICK_REPLY


def test_a_notice_fills_its_template_with_values_meta_takes() -> None:
    notice = Notice(
        "reminder", ("Atelier\nsmartphone", "demain     à 14 h", "Metz\t"), ("here:1", "c:1")
    )
    message = templates.message(notice, "fr")
    assert message is not None
    body, *buttons = message["template"]["components"]
    values = [p["text"] for p in body["parameters"]]
    assert values == ["Atelier smartphone", "demain à 14 h", "Metz"]
    assert [b["parameters"][0]["payload"] for b in buttons] == ["here:1", "c:1"]
    assert templates.message(Notice("unknown"), "fr") is None


def test_an_emoji_outside_the_bmp_counts_twice_against_the_limits() -> None:
    [fits] = render.messages(Reply("?", choices("📅 " + "x" * 17)), T)  # 20 units
    assert fits["interactive"]["type"] == "button"
    [over] = render.messages(Reply("?", choices("📅 " + "x" * 18)), T)  # 21 units
    assert over["interactive"]["type"] == "list"
    assert render.length(render.cut("📅" * 30, 24)) <= 24

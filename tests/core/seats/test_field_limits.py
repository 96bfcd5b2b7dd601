"""One definition of each session field's limits, used by the importer, the organiser
services and the dashboard form: the same text is refused or accepted by all three."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.clock import FixedClock
from core.schedule.importer import parse_schedule
from core.seats.field_limits import CAPACITY, DURATION_MINUTES, TEXT_LIMITS, text_problem
from core.seats.organiser import InvalidInput, SessionFields, create_session
from models import Database, WorkshopSession
from tests.support.dashboard import Dashboard, dashboard_settings, running_dashboard

PARIS = ZoneInfo("Europe/Paris")
FORM = {
    "title": "Faire ses démarches en ligne",
    "description": "Impôts, CAF : créer son compte.",
    "audience": "tous",
    "date": "2027-01-20",
    "time": "14:00",
    "duration_minutes": "90",
    "capacity": "12",
    "venue": "Boutique Orange Metz",
    "address": "Rue Serpenoise, 57000 Metz",
    "bring": "Votre téléphone chargé",
    "access": "À l'accueil, demandez l'atelier",
}
HOSTILE = ["Atelier\x00", "Titre\x1b[2J", "Bip\x07", "Re\x7ftour"]
ENTERING = HOSTILE[1:]
"""What a form or a file may bring and is refused: a NUL is dropped as it enters, before."""


@pytest.fixture
async def organiser(sqlite_url: str, clock: FixedClock) -> AsyncIterator[Dashboard]:
    async with running_dashboard(dashboard_settings(sqlite_url), clock) as dashboard:
        await dashboard.login()
        yield dashboard


def import_problem(column: str, value: str) -> list[str]:
    """What the importer says of ``value`` in ``column`` of an otherwise good row."""
    row = {
        "title": "A",
        "description": "",
        "audience": "tous",
        "starts_at": "2027-03-01T14:00",
        "duration_minutes": "90",
        "capacity": "8",
        "venue": "V",
        "address": "Adr",
        "bring": "",
        "access": "",
    } | {column: value}
    quoted = ",".join('"' + cell.replace('"', '""') + '"' for cell in row.values())
    _, errors = parse_schedule(",".join(row) + "\n" + quoted + "\n", PARIS)
    return [error.message for error in errors]


@pytest.mark.parametrize("name", sorted(TEXT_LIMITS))
def test_importer_and_services_agree_on_every_text_limit(name: str) -> None:
    limit = TEXT_LIMITS[name].length
    assert import_problem(name, "x" * limit) == []
    assert import_problem(name, "x" * (limit + 1)) != []
    assert text_problem(name, "x" * (limit + 1)) == "too_long"
    for text in HOSTILE:
        assert text_problem(name, text) == "control_character"
    for text in ENTERING:  # a NUL is dropped where the text enters (core.intake)
        assert import_problem(name, text) != []
    assert import_problem(name, "x\x00") == []


def test_ranges_are_the_importers() -> None:
    assert import_problem("capacity", str(CAPACITY.high)) == []
    assert import_problem("capacity", str(CAPACITY.high + 1)) != []
    assert import_problem("duration_minutes", str(DURATION_MINUTES.high)) == []
    assert import_problem("duration_minutes", str(DURATION_MINUTES.high + 1)) != []


async def test_the_service_refuses_what_the_importer_refuses(db: Database) -> None:
    good = SessionFields(
        title="Atelier",
        starts_at=datetime(2027, 3, 1, 13, tzinfo=UTC),
        duration_minutes=90,
        capacity=8,
        venue="V",
        address="A",
    )
    for change in (
        {"title": "Atelier\x00"},
        {"venue": "v" * (TEXT_LIMITS["venue"].length + 1)},
        {"access": "a\x1b"},
        {"capacity": CAPACITY.high + 1},
        {"duration_minutes": 0},
        {"audience": "martiens"},
    ):
        fields = SessionFields(**(vars_of(good) | change))
        async with db.transaction() as session:
            with pytest.raises(InvalidInput):
                await create_session(session, fields)
    async with db.transaction() as session:
        created = await create_session(
            session, SessionFields(**(vars_of(good) | {"access": "Ici"}))
        )
    assert created.access == "Ici"


def vars_of(fields: SessionFields) -> dict[str, object]:
    return {name: getattr(fields, name) for name in SessionFields.__dataclass_fields__}


@pytest.mark.parametrize("text", ENTERING)
async def test_the_dashboard_form_refuses_control_characters_in_french(
    organiser: Dashboard, text: str
) -> None:
    for field in ("title", "venue", "bring", "access"):
        response = await organiser.post("/sessions/new", FORM | {field: text})
        assert response.status_code == 400, field
        assert "Ce texte contient un caractère invisible interdit." in response.text
        assert 'aria-describedby="' in response.text
    assert await organiser.count(WorkshopSession) == 0


async def test_the_dashboard_form_keeps_the_access_text(organiser: Dashboard) -> None:
    typed = FORM | {"description": "Ligne un\r\nLigne deux"}  # as a browser sends a text area
    created = await organiser.post("/sessions/new", typed)
    assert created.status_code == 303, created.text
    session_id = int(created.headers["location"].rsplit("/", 1)[1])
    form = await organiser.get(f"/sessions/{session_id}/edit")
    assert "À l&#39;accueil, demandez l&#39;atelier" in form.text
    async with organiser.db.transaction() as session:
        stored = await session.get(WorkshopSession, session_id)
        assert stored is not None
        assert stored.description == "Ligne un\nLigne deux"
    assert f'maxlength="{TEXT_LIMITS["access"].length}"' in form.text
    too_long = "x" * (TEXT_LIMITS["title"].length + 1)
    refused = await organiser.post(f"/sessions/{session_id}/edit", FORM | {"title": too_long})
    assert refused.status_code == 400
    assert "Ce texte est trop long." in refused.text

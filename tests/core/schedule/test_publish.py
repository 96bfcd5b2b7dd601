"""Publishing on the national digital-inclusion map: `atelier publish data-inclusion` on a real
SQLite file, and GET /api/data-inclusion/services.json over real HTTP (SQLite, PostgreSQL),
checked against the rules of the data·inclusion schema v1."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.runtime import Runtime
from core.clock import FixedClock
from core.schedule.publish import (
    Organisation,
    Publication,
    data_inclusion,
    fit,
    split_address,
    themes,
)
from core.seats.organisations import find_or_add_organisation
from core.seats.organiser import register_walk_in
from core.seats.reminders import ReminderRule
from models import Database, SessionStatus, WorkshopSession
from tests.support.factories import NOW, add_session, make_settings

BOT = "atelier_metz_bot"
NAME, PHONE = "Josiane Kowalczyk", "06 12 34 56 78"
PHONE_FORMS = ("0612345678", "06 12 34 56 78", "+33612345678", "612345678")
HEADER = "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
ADDRESS = "Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz"

# The rules of data·inclusion schema v1 that the bot's output must keep.
MODES_ACCUEIL = {"a-distance", "en-presentiel"}
MODES_MOBILISATION = {
    "envoyer-un-courriel", "se-presenter", "telephoner", "utiliser-lien-mobilisation",
}  # fmt: skip
MOBILISABLE_PAR = {"professionnels", "usagers"}
PUBLICS = {
    "actifs", "beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "etudiants", "familles",
    "femmes", "jeunes", "personnes-en-situation-d-urgence", "personnes-en-situation-de-handicap",
    "personnes-en-situation-juridique-specifique", "personnes-exilees", "residents-qpv-frr",
    "seniors",
}  # fmt: skip
TYPES = {
    "accompagnement",
    "aide-financiere",
    "aide-materielle",
    "atelier",
    "formation",
    "information",
}
E164 = re.compile(r"\+[1-9]\d{6,14}")


def _common(record: dict[str, Any], where: str) -> list[str]:
    found = [
        f"{where}: no {key}" for key in ("source", "id", "nom", "date_maj") if not record.get(key)
    ]
    description = record.get("description", "")
    if not 50 <= len(description) <= 2000:
        found.append(f"{where}: description of {len(description)} characters")
    try:
        date.fromisoformat(record.get("date_maj", ""))
    except ValueError:
        found.append(f"{where}: date_maj {record.get('date_maj')!r} is not a date")
    if "telephone" in record and not E164.fullmatch(record["telephone"]):
        found.append(f"{where}: telephone {record['telephone']!r} is not E.164")
    if "code_postal" in record and not re.fullmatch(r"\d{5}", record["code_postal"]):
        found.append(f"{where}: code_postal {record['code_postal']!r}")
    for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if key in record and not low <= record[key] <= high:
            found.append(f"{where}: {key} {record[key]}")
    return found


def schema_problems(document: dict[str, Any]) -> list[str]:
    """What breaks the schema's rules (required fields, lengths, enumerations, formats)."""
    found: list[str] = []
    structures, services = document["structures"], document["services"]
    ids = {structure["id"] for structure in structures}
    if len(ids) != len(structures):
        found.append("two structures share an id")
    for structure in structures:
        found += _common(structure, f"structure {structure.get('id')}")
        if "siret" in structure and not re.fullmatch(r"\d{14}", structure["siret"]):
            found.append("siret is not 14 digits")
    if len({service["id"] for service in services}) != len(services):
        found.append("two services share an id")
    for service in services:
        where = f"service {service.get('id')}"
        found += _common(service, where)
        if service.get("structure_id") not in ids:
            found.append(f"{where}: structure_id names no structure")
        if not 3 <= len(service["nom"]) <= 150 or service["nom"].endswith("."):
            found.append(f"{where}: nom {service['nom']!r}")
        checks = (
            ("modes_accueil", MODES_ACCUEIL),
            ("modes_mobilisation", MODES_MOBILISATION),
            ("mobilisable_par", MOBILISABLE_PAR),
            ("publics", PUBLICS),
        )
        for key, allowed in checks:
            if not set(service.get(key, [])) <= allowed:
                found.append(f"{where}: {key} {service[key]}")
        if service.get("type", "atelier") not in TYPES:
            found.append(f"{where}: type {service['type']}")
        if service.get("frais", "gratuit") not in ("gratuit", "payant"):
            found.append(f"{where}: frais {service['frais']}")
        if not service.get("thematiques") or not all(
            theme.startswith("numerique--") for theme in service["thematiques"]
        ):
            found.append(f"{where}: thematiques {service.get('thematiques')}")
        link = service.get("lien_mobilisation")
        if ("utiliser-lien-mobilisation" in service.get("modes_mobilisation", [])) != bool(link):
            found.append(f"{where}: lien_mobilisation and modes_mobilisation disagree")
        if link is not None and not link.startswith("https://"):
            found.append(f"{where}: lien_mobilisation {link!r}")
        if "telephoner" in service.get("modes_mobilisation", []) and "telephone" not in service:
            found.append(f"{where}: telephoner without a telephone")
    return found


def assert_nothing_personal(text: str) -> None:
    """Neither the name nor any form of the phone number of the person who booked."""
    assert NAME.split()[0] not in text
    assert NAME.split()[1] not in text
    for form in PHONE_FORMS:
        assert form not in text.replace("\u00a0", " ")


async def book_a_seat(url: str, session_id: int, now: datetime) -> None:
    """Book a seat at the desk, with a first name and a phone number."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            rule = ReminderRule.of(make_settings(url))
            await register_walk_in(session, session_id, NAME, PHONE, now, rule=rule)
    finally:
        await db.dispose()


# --- the command line, on a real SQLite file --------------------------------------------


def atelier(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "TELEGRAM_BOT_TOKEN": "",
        "TELEGRAM_BOT_USERNAME": BOT,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, env=full, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip


async def session_ids(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = await session.execute(select(WorkshopSession.title, WorkshopSession.id))
            return {title: session_id for title, session_id in rows}
    finally:
        await db.dispose()


async def test_the_command_writes_structures_and_services(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    day = (now + timedelta(days=5)).strftime("%Y-%m-%d")
    past = (now - timedelta(days=3)).strftime("%Y-%m-%d")
    schedule = tmp_path / "schedule.csv"
    schedule.write_text(
        HEADER
        + f'Prendre en main son smartphone,"Les gestes de base.",seniors,{day}T14:00,120,8,'
        + f'Boutique Orange Metz,"{ADDRESS}"\n'
        + f'Faire ses démarches en ligne,"Impôts, Ameli.",tous,{day}T10:00,90,10,'
        + f'Boutique Orange Metz,"{ADDRESS}"\n'
        + f'Le contrôle parental,"Pour les parents.",parents,{day}T18:00,90,12,'
        + f'Boutique Orange Metz,"{ADDRESS}"\n'
        + f'Atelier passé,"Déjà fait.",tous,{past}T10:00,90,10,Boutique Orange Metz,"{ADDRESS}"\n',
        encoding="utf-8",
    )
    imported = atelier(tmp_path, "import", str(schedule))
    assert imported.returncode == 0, imported.stderr
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    ids = await session_ids(url)
    await book_a_seat(url, ids["Prendre en main son smartphone"], now)
    cancelled = atelier(tmp_path, "cancel", str(ids["Le contrôle parental"]))
    assert cancelled.returncode == 0, cancelled.stderr

    output = tmp_path / "data-inclusion.json"
    settings = {"ORGANISATION_NAME": "Orange Metz", "ORGANISATION_PHONE": "03 87 00 00 00"}
    result = atelier(tmp_path, "publish", "data-inclusion", "--output", str(output), **settings)
    assert result.returncode == 0, result.stderr
    text = output.read_text(encoding="utf-8")
    document = json.loads(text)

    assert schema_problems(document) == []
    [structure] = document["structures"]
    assert structure["nom"] == "Orange Metz"
    assert (structure["commune"], structure["code_postal"]) == ("Metz", "57000")
    assert structure["adresse"] == "Angle rue Serpenoise et rue de la Chaplerue"
    assert structure["telephone"] == "+33387000000"
    by_name = {service["nom"].split(",")[0]: service for service in document["services"]}
    assert set(by_name) == {"Prendre en main son smartphone", "Faire ses démarches en ligne"}
    smartphone = by_name["Prendre en main son smartphone"]
    session_id = ids["Prendre en main son smartphone"]
    assert smartphone["lien_mobilisation"] == f"https://t.me/{BOT}?start=s{session_id}"
    assert smartphone["modes_mobilisation"] == ["utiliser-lien-mobilisation", "telephoner"]
    assert smartphone["thematiques"] == ["numerique--prendre-en-main-un-smartphone-ou-une-tablette"]
    assert smartphone["publics"] == ["seniors"]
    assert smartphone["frais"] == "gratuit"
    assert smartphone["modes_accueil"] == ["en-presentiel"]
    assert "Il reste 7 places libres." in smartphone["description"]
    assert "03 87 00 00 00" in smartphone["description"]
    steps = by_name["Faire ses démarches en ligne"]["thematiques"]
    assert steps[0] == "numerique--devenir-autonome-dans-les-demarches-administratives"
    assert "numerique--accompagner-les-demarches-de-sante" in steps
    assert_nothing_personal(text)

    printed = atelier(tmp_path, "publish", "data-inclusion", **settings)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["services"] == document["services"]


def test_without_a_phone_or_a_bot_name_the_services_say_so(tmp_path: Path) -> None:
    day = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%d")
    schedule = tmp_path / "schedule.csv"
    schedule.write_text(
        HEADER + f'Un atelier,"",tous,{day}T14:00,60,8,La médiathèque,"Place, 57070 Metz"\n',
        encoding="utf-8",
    )
    assert atelier(tmp_path, "import", str(schedule)).returncode == 0
    result = atelier(tmp_path, "publish", "data-inclusion", TELEGRAM_BOT_USERNAME="")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert schema_problems(document) == []
    [structure], [service] = document["structures"], document["services"]
    assert (structure["nom"], structure["id"]) == ("La médiathèque", "la-mediatheque")
    assert "lien_mobilisation" not in service
    assert "modes_mobilisation" not in service
    assert "telephone" not in service
    assert service["thematiques"] == ["numerique--utiliser-le-numerique-au-quotidien"]
    assert len(service["description"]) >= 50


# --- the public route, over real HTTP ----------------------------------------------------


@pytest.fixture
async def served(database_url: str, clock: FixedClock) -> AsyncIterator[tuple[Runtime, str]]:
    """The bot with only its HTTP server on (no channel, no dashboard) and its address."""
    settings = make_settings(
        database_url,
        http_enabled=True,
        http_port=0,
        telegram_bot_username=BOT,
        organisation_siret="123 456 789 00012",
        venue_latitude=49.1185,
        venue_longitude=6.1757,
    )
    runtime = Runtime(settings, clock, telegram_enabled=False)
    await runtime.start()
    assert runtime.http is not None
    try:
        yield runtime, f"http://127.0.0.1:{runtime.http.port}"
    finally:
        await runtime.stop()


async def test_the_services_are_served_public_and_cached(
    served: tuple[Runtime, str], clock: FixedClock
) -> None:
    runtime, root = served
    smartphone = await add_session(runtime.db)
    full = await add_session(
        runtime.db, title="Ameli et Mon espace santé", capacity=2, seats_taken=2,
        audience="tous", starts_at=NOW + timedelta(days=3),
    )  # fmt: skip
    await add_session(runtime.db, title="Atelier d'hier", starts_at=NOW - timedelta(days=1))
    cancelled = await add_session(runtime.db, title="Annulé", starts_at=NOW + timedelta(days=4))
    async with runtime.db.transaction() as session:
        found = await session.get(WorkshopSession, cancelled)
        assert found is not None
        found.status = SessionStatus.CANCELLED
    await book_a_seat(runtime.db.url, smartphone, NOW)

    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.get(f"{root}/api/data-inclusion/services.json")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["access-control-allow-origin"] == "*"
        assert answer.headers["cache-control"] == "public, max-age=300"
        services = answer.json()
        structures = (await client.get(f"{root}/api/data-inclusion/structures.json")).json()
        assert schema_problems({"structures": structures, "services": services}) == []
        assert_nothing_personal(answer.text)
        assert [service["id"] for service in services] == [
            f"session-{smartphone}",
            f"session-{full}",
        ]
        assert all(service["structure_id"] == "12345678900012" for service in services)
        assert structures[0]["siret"] == "12345678900012"
        assert services[0]["latitude"] == 49.1185
        assert "Il reste 7 places libres." in services[0]["description"]
        assert "complet" in services[1]["description"]
        assert services[1]["thematiques"] == ["numerique--accompagner-les-demarches-de-sante"]
        assert "publics" not in services[1]
        assert (await client.post(f"{root}/api/data-inclusion/services.json")).status_code == 405

        later = await add_session(runtime.db, title="Nouveau", starts_at=NOW + timedelta(days=9))
        again = (await client.get(f"{root}/api/data-inclusion/services.json")).json()
        assert again == services  # served from the cache for five minutes
        clock.advance(timedelta(minutes=5, seconds=1))
        fresh = (await client.get(f"{root}/api/data-inclusion/services.json")).json()
        assert f"session-{later}" in [service["id"] for service in fresh]


def test_the_checker_finds_what_breaks_the_schema() -> None:
    structure = {"source": "s", "id": "x", "nom": "X", "description": "court", "date_maj": "hier"}
    service = {
        "source": "s", "id": "1", "structure_id": "y", "nom": "Fin.", "date_maj": "2027-01-04",
        "description": "d" * 60, "modes_accueil": ["sur-place"], "thematiques": ["sante"],
        "modes_mobilisation": ["telephoner"], "telephone": "03 87 00 00 00",
    }  # fmt: skip
    problems = " | ".join(schema_problems({"structures": [structure], "services": [service]}))
    for rule in ("description of 5", "date_maj", "names no structure", "nom", "modes_accueil",
                 "thematiques", "E.164"):  # fmt: skip
        assert rule in problems


# --- the pieces --------------------------------------------------------------------------


def test_the_town_and_postcode_are_read_from_the_address() -> None:
    place = split_address("Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz")
    assert (place.adresse, place.code_postal, place.commune) == (
        "Angle rue Serpenoise et rue de la Chaplerue", "57000", "Metz",
    )  # fmt: skip
    assert split_address("3 rue des Jardins 57070  Saint-Julien-lès-Metz").commune == (
        "Saint-Julien-lès-Metz"
    )
    kept = split_address("Maison de quartier, Borny")
    assert (kept.adresse, kept.code_postal, kept.commune) == (
        "Maison de quartier, Borny",
        None,
        None,
    )


def test_themes_follow_the_words_of_the_title_first() -> None:
    assert themes("Le contrôle parental", "Régler la tablette") == [
        "numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique",
        "numerique--prendre-en-main-un-smartphone-ou-une-tablette",
    ]
    assert themes("Premiers pas sur ORDINATEUR", "") == ["numerique--prendre-en-main-un-ordinateur"]


def test_descriptions_are_padded_and_cut_to_the_schema_lengths() -> None:
    assert len(fit("Court.", ["Une phrase de plus pour aller au-delà de cinquante signes."])) >= 50
    long = fit("mot " * 1000, [])
    assert len(long) <= 2000
    assert long.endswith("\u2026")


def test_a_long_description_is_cut_before_the_date_and_how_to_sign_up() -> None:
    workshop = WorkshopSession(
        id=12, title="Prendre en main son smartphone", description="Les gestes. " * 400,
        audience="seniors", starts_at=NOW + timedelta(days=2), duration_minutes=90, capacity=8,
        seats_taken=8, venue="Boutique", address=ADDRESS, bring="Votre téléphone chargé",
    )  # fmt: skip
    publication = Publication(
        source="atelier-bot", today="2027-01-04", zone=ZoneInfo("Europe/Paris"),
        booking_link=lambda session_id: f"https://t.me/{BOT}?start=s{session_id}",
        sms=("07 00 00 00 00", lambda session_id: f"ATELIER {session_id}"),
    )  # fmt: skip
    organisation = Organisation(id="boutique", name="Boutique", phone="+33387000000")
    document = data_inclusion([organisation], [workshop], publication)
    assert schema_problems(document) == []
    description = document["services"][0]["description"]
    assert len(description) <= 2000
    assert "Les gestes. Les gestes." in description
    facts = (
        "Le mercredi 6 janvier à 10 h.",
        "Durée : 1 heure et 30 minutes.",
        "L'atelier est complet.",
        "À apporter : Votre téléphone chargé.",
        "envoyez « ATELIER 12 » au 07 00 00 00 00.",
        "appelez le +33387000000.",
    )
    for fact in facts:
        assert fact in description
    assert fit("un deux trois", [], low=0, high=0) == ""


def test_organisation_settings_are_checked() -> None:
    settings = make_settings("sqlite+aiosqlite://", organisation_phone="03 87 00 00 00")
    assert settings.organisation_phone == "+33387000000"
    with pytest.raises(ValidationError, match="ORGANISATION_SIRET"):
        make_settings("sqlite+aiosqlite://", organisation_siret="1234")
    with pytest.raises(ValidationError, match="ORGANISATION_PHONE"):
        make_settings("sqlite+aiosqlite://", organisation_phone="pas un numéro")


async def test_each_organisation_is_a_structure_and_runs_its_services(
    served: tuple[Runtime, str],
) -> None:
    """Three partners: a structure each (and the install's own for its sessions), each
    service's structure_id its organisation's."""
    runtime, root = served
    own = await add_session(runtime.db, title="Prendre en main son smartphone")
    partners = {
        "Médiathèque de Woippy": ("Tablette à Woippy", "1 rue de la Gare, 57140 Woippy"),
        "Centre social de Thionville": ("Ordinateur", "3 place Claude Arnoult, 57100 Thionville"),
        "Association Lien Numérique": ("Courriels", "5 rue Haute, 57000 Metz"),
    }
    by_title: dict[str, int] = {}
    async with runtime.db.transaction() as session:
        for name, (_, address) in partners.items():
            organisation = await find_or_add_organisation(session, name, NOW)
            organisation.address = address
        await session.flush()
    for name, (title, _) in partners.items():
        by_title[title] = await add_session(runtime.db, title=title)
        async with runtime.db.transaction() as session:
            organisation = await find_or_add_organisation(session, name, NOW)
            workshop = await session.get_one(WorkshopSession, by_title[title])
            workshop.organisation_id = organisation.id
    async with httpx.AsyncClient(timeout=10) as client:
        services = (await client.get(f"{root}/api/data-inclusion/services.json")).json()
        structures = (await client.get(f"{root}/api/data-inclusion/structures.json")).json()
    assert schema_problems({"structures": structures, "services": services}) == []
    ids = {structure["nom"]: structure["id"] for structure in structures}
    assert len(structures) == 4
    assert ids["Médiathèque de Woippy"] == "mediatheque-de-woippy"
    whose = {service["id"]: service["structure_id"] for service in services}
    assert whose[f"session-{own}"] == "12345678900012"
    for name, (title, _) in partners.items():
        assert whose[f"session-{by_title[title]}"] == ids[name]
    woippy = next(s for s in structures if s["nom"] == "Médiathèque de Woippy")
    assert (woippy["code_postal"], woippy["commune"]) == ("57140", "Woippy")

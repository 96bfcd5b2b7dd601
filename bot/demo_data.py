"""Sample Metz workshops in the coming weeks, for the terminal demo and a first try."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.schedule.importer import SessionRow

VENUE = "Boutique Orange Metz"
ADDRESS = "Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz"
LATITUDE, LONGITUDE = 49.1196, 6.1757  # the shop, rue Serpenoise, Metz

# (days from today, local time, title, description, audience, minutes, capacity)
SAMPLES = (
    (2, time(14), "Prendre en main son smartphone",
     "Allumer, appeler, envoyer un message, prendre une photo : les gestes de base, à son rythme.",
     "seniors", 120, 8),
    (4, time(10), "Protéger ses données personnelles",
     "Mots de passe, arnaques par SMS et par e-mail, réglages de confidentialité : "
     "les bons réflexes.",
     "tous", 90, 12),
    (7, time(14), "Installer les applications utiles",
     "Trouver, installer et mettre à jour une application sans se tromper.", "seniors", 120, 1),
    (9, time(16, 30), "Les réseaux sociaux en sécurité",
     "Ce que l'on partage, avec qui, et comment régler son compte.", "jeunes", 90, 15),
    (14, time(18), "Le contrôle parental expliqué aux parents",
     "Régler le téléphone, la tablette et la box pour protéger ses enfants.", "parents", 90, 12),
    (16, time(9, 30), "Les outils numériques pour créer son entreprise",
     "Site, réseaux, facturation en ligne : les outils gratuits pour démarrer.",
     "entrepreneurs", 180, 10),
    (21, time(14), "Faire ses démarches en ligne",
     "Créer son compte, se connecter avec FranceConnect, envoyer un document.", "tous", 120, 10),
)  # fmt: skip


def sample_rows(today: datetime, zone: ZoneInfo) -> list[SessionRow]:
    """The sample sessions, dated from ``today`` on."""
    local_today = today.astimezone(zone).date()
    rows = []
    for line, (days, at, title, description, audience, minutes, capacity) in enumerate(SAMPLES, 2):
        start = datetime.combine(local_today + timedelta(days=days), at, tzinfo=zone)
        rows.append(
            SessionRow(
                line,
                title,
                description,
                audience,
                start.astimezone(UTC),
                minutes,
                capacity,
                VENUE,
                ADDRESS,
                bring="Votre téléphone, chargé, et ses codes." if audience == "seniors" else "",
                latitude=LATITUDE,
                longitude=LONGITUDE,
            )
        )
    return rows

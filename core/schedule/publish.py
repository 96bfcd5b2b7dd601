"""The schedule as the national digital-inclusion map reads it: data·inclusion schema v1.

Organisations become *structures*, upcoming sessions become *services* (one per session,
its booking link in ``lien_mobilisation``). The builder is pure: sessions and
organisations in, plain dicts out, ready for JSON. Nothing personal goes out: no name, no
number, no booking; only how many seats are left.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.formatting import duration_in_words, seats_in_words, when_in_words
from core.i18n import Translator
from models import SessionStatus, WorkshopSession

DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 2000
NAME_MAX = 150

THEMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("smartphone", "tablette", "telephone", "portable", "application"),
     "numerique--prendre-en-main-un-smartphone-ou-une-tablette"),
    (("ordinateur", "clavier", "souris", "windows", "traitement de texte"),
     "numerique--prendre-en-main-un-ordinateur"),
    (("demarche", "administrati", "franceconnect", "impot", "caf"),
     "numerique--devenir-autonome-dans-les-demarches-administratives"),
    (("sante", "ameli", "doctolib", "medecin", "mutuelle"),
     "numerique--accompagner-les-demarches-de-sante"),
    (("parent", "enfant", "controle parental"),
     "numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique"),
    (("entreprise", "facturation", "auto-entrepreneur"),
     "numerique--creer-et-developper-mon-entreprise"),
    (("donnees personnelles", "mot de passe", "mots de passe", "arnaque", "reseaux sociaux"),
     "numerique--promouvoir-la-citoyennete-numerique"),
)  # fmt: skip
"""Words of a session's title or description (plain: lower case, no accents), and the
``numerique--*`` theme they mean. A session that matches none is about everyday use."""
EVERYDAY = "numerique--utiliser-le-numerique-au-quotidien"

PUBLICS = {"seniors": "seniors", "jeunes": "jeunes", "parents": "familles"}
"""Audiences of the schedule whose data·inclusion ``publics`` value is obvious; the others
("tous", "entrepreneurs", ...) are published without one: open to all."""

_TOWN = re.compile(r"(?:^|[\s,])(\d{5})\s+([^\d,][^,]*?)\s*$")


@dataclass(frozen=True, slots=True)
class Place:
    """An address as data·inclusion splits it: street, postcode, town."""

    adresse: str
    code_postal: str | None = None
    commune: str | None = None


def split_address(address: str) -> Place:
    """``"Angle rue Serpenoise, 57000 Metz"``: the street, ``57000`` and ``Metz``.

    A French address ends with the postcode and the town; one that does not is kept whole.
    """
    text = " ".join(address.split())
    found = _TOWN.search(text)
    if found is None:
        return Place(text)
    street = text[: found.start()].strip(" ,")
    return Place(street or text, found.group(1), found.group(2).strip())


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation that runs workshops (today one, described by the settings)."""

    id: str
    name: str
    description: str = ""
    address: str = ""
    siret: str = ""
    phone: str = ""
    """E.164; people can call it to sign up."""
    phone_text: str = ""
    """The same number as people write it (``03 87 00 00 00``), for the descriptions."""
    website: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Publication:
    """What every service says about how to sign up, and when the data was made."""

    source: str
    today: str
    """``date_maj``: ISO date (the data is built fresh from the schedule)."""
    zone: ZoneInfo
    booking_link: Callable[[int], str | None]
    """A session's booking link (Telegram's deep link), or None when there is none."""
    sms: tuple[str, Callable[[int], str]] | None = None
    """The number people text (as they write it) and a session's code ("ATELIER 12")."""


def slug(text: str) -> str:
    """``"Boutique Orange Metz"`` as ``boutique-orange-metz``, for a stable id."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in plain if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-") or "organisation"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def themes(title: str, description: str) -> list[str]:
    """The ``numerique--*`` themes a session's words name (the title's first)."""
    found: list[str] = []
    for words in (_plain(title), _plain(description)):
        found += [
            theme
            for keys, theme in THEMES
            if theme not in found and any(key in words for key in keys)
        ]
    return found or [EVERYDAY]


def fit(
    text: str, padding: Iterable[str], low: int = DESCRIPTION_MIN, high: int = DESCRIPTION_MAX
) -> str:
    """``text``, lengthened with ``padding`` sentences while under ``low`` characters, and cut
    at a word (with an ellipsis) when over ``high``."""
    text = " ".join(text.split())
    for sentence in padding:
        if len(text) >= low:
            break
        text = f"{text} {sentence}".strip()
    if len(text) > high:
        cut = text[: max(high - 1, 0)]
        text = cut.rsplit(" ", 1)[0] + "\u2026" if cut else ""
    return text


def _without_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def _sms_line(publication: Publication, session_id: int, t: Translator) -> str:
    if publication.sms is None:
        return ""
    number, code_for = publication.sms
    return t("publish.service.sign_up_sms", code=code_for(session_id), number=number)


def structure(organisation: Organisation, publication: Publication) -> dict[str, Any]:
    """The data·inclusion structure of ``organisation``."""
    t = Translator("fr")
    place = split_address(organisation.address)
    told = organisation.description or " ".join(
        [t("publish.structure.description", name=organisation.name), t("publish.structure.more")]
    )
    description = fit(told, [t("publish.structure.more")])
    return _without_empty(
        {
            "source": publication.source,
            "id": organisation.id,
            "nom": organisation.name[:NAME_MAX],
            "description": description,
            "date_maj": publication.today,
            "siret": organisation.siret,
            "adresse": place.adresse,
            "code_postal": place.code_postal,
            "commune": place.commune,
            "latitude": organisation.latitude,
            "longitude": organisation.longitude,
            "telephone": organisation.phone,
            "site_web": organisation.website,
        }
    )


def service(
    workshop: WorkshopSession, organisation: Organisation, publication: Publication
) -> dict[str, Any]:
    """The data·inclusion service of one upcoming session."""
    t = Translator("fr")
    zone = publication.zone
    when = when_in_words(workshop.starts_at, zone, t)
    place = split_address(workshop.address)
    link = publication.booking_link(workshop.id)
    seats = workshop.seats_left
    how = [
        t("publish.service.sign_up_link") if link else "",
        _sms_line(publication, workshop.id, t),
        (
            t("publish.service.sign_up_phone", number=organisation.phone_text or organisation.phone)
            if organisation.phone
            else ""
        ),
    ]
    precisions = " ".join(part for part in how if part)
    details = [
        t("publish.service.when", when=when),
        t("publish.service.duration", duration=duration_in_words(workshop.duration_minutes, t)),
        t("publish.service.place", venue=workshop.venue, address=workshop.address),
        t("publish.service.seats", seats=seats_in_words(seats, t))
        if seats
        else t("publish.service.full"),
        t("publish.service.bring", bring=workshop.bring.strip().rstrip("."))
        if workshop.bring
        else "",
        t("publish.service.free"),
        precisions,
    ]
    facts = " ".join(part for part in details if part)
    # A long description of its own is cut first: the date and how to sign up stay.
    own = fit(workshop.description, [], low=0, high=max(DESCRIPTION_MAX - len(facts) - 1, 0))
    text = f"{own} {facts}".strip()
    modes = ["utiliser-lien-mobilisation"] if link else []
    if organisation.phone:
        modes.append("telephoner")
    latitude = workshop.latitude if workshop.latitude is not None else organisation.latitude
    longitude = workshop.longitude if workshop.longitude is not None else organisation.longitude
    name = t("publish.service.name", title=workshop.title.strip(), day=when).rstrip(". ")
    return _without_empty(
        {
            "source": publication.source,
            "id": f"session-{workshop.id}",
            "structure_id": organisation.id,
            "nom": name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "\u2026",
            "description": fit(text, [t("publish.structure.more")]),
            "date_maj": publication.today,
            "type": "atelier",
            "thematiques": themes(workshop.title, workshop.description),
            "frais": "gratuit",
            "publics": [PUBLICS[workshop.audience]] if workshop.audience in PUBLICS else [],
            "modes_accueil": ["en-presentiel"],
            "modes_mobilisation": modes,
            "mobilisable_par": ["usagers", "professionnels"],
            "mobilisation_precisions": precisions,
            "lien_mobilisation": link,
            "telephone": organisation.phone,
            "adresse": place.adresse,
            "code_postal": place.code_postal,
            "commune": place.commune,
            "latitude": latitude,
            "longitude": longitude,
        }
    )


def data_inclusion(
    organisations: Sequence[Organisation],
    sessions: Sequence[WorkshopSession],
    publication: Publication,
    organisation_of: Callable[[WorkshopSession], Organisation] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """``{"structures": [...], "services": [...]}``: every organisation, and a service per
    session (``organisation_of`` says whose; by default the first organisation's)."""
    whose = organisation_of or (lambda _workshop: organisations[0])
    return {
        "structures": [structure(organisation, publication) for organisation in organisations],
        "services": [service(workshop, whose(workshop), publication) for workshop in sessions],
    }


async def published_sessions(session: AsyncSession, now: datetime) -> list[WorkshopSession]:
    """The sessions to publish: scheduled and not yet begun, soonest first."""
    rows = await session.execute(
        select(WorkshopSession)
        .where(WorkshopSession.status == SessionStatus.SCHEDULED, WorkshopSession.starts_at > now)
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    return list(rows.scalars())


def main_venue(sessions: Sequence[WorkshopSession]) -> tuple[str, str] | None:
    """The venue and address of most sessions (the first such in time on a tie)."""
    if not sessions:
        return None
    counts = Counter((workshop.venue, workshop.address) for workshop in sessions)
    return counts.most_common(1)[0][0]

"""The schedule published for the national digital-inclusion map (data·inclusion schema v1):
built from the settings (one organisation today) for ``atelier publish data-inclusion``, and
served, public and read-only, at ``GET /api/data-inclusion/services.json``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.poster_channels import readable_number, sms_number, whatsapp_link
from bot.web.qr import deep_link
from core.clock import Clock
from core.config import Settings
from core.i18n import Translator
from core.schedule.publish import (
    Organisation,
    Publication,
    data_inclusion,
    main_venue,
    published_sessions,
    slug,
)
from core.seats.organisations import organisations_by_name, same_name
from core.understanding.session_codes import code_for
from models import Database, WorkshopSession
from models import Organisation as OrganisationRow

SERVICES_PATH = "/api/data-inclusion/services.json"
STRUCTURES_PATH = "/api/data-inclusion/structures.json"
CACHE_FOR = timedelta(minutes=5)
HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": f"public, max-age={int(CACHE_FOR.total_seconds())}",
    "X-Content-Type-Options": "nosniff",
}

Document = dict[str, list[dict[str, Any]]]


def phone_line(settings: Settings) -> str:
    """The number people call to sign up: ORGANISATION_PHONE, else the bot's phone line
    (TWILIO_VOICE_NUMBER, where that line is part of the bot), else none."""
    return settings.organisation_phone or settings.twilio_voice_number


def organisation(settings: Settings, sessions: Sequence[WorkshopSession]) -> Organisation:
    """The one organisation of the settings; what they leave empty is read from the
    schedule (the venue of most sessions and its address)."""
    venue = main_venue(sessions)
    phone = phone_line(settings)
    name = settings.organisation_name.strip() or (venue[0] if venue else "")
    name = name or Translator("fr")("publish.structure.default_name")
    return Organisation(
        id=settings.organisation_siret or slug(name),
        name=name,
        description=settings.organisation_description.strip(),
        address=settings.organisation_address.strip() or (venue[1] if venue else ""),
        siret=settings.organisation_siret,
        phone=phone,
        phone_text=readable_number(phone, settings.sms_default_region) if phone else "",
        website=settings.organisation_website,
        latitude=settings.venue_latitude,
        longitude=settings.venue_longitude,
    )


def publication(settings: Settings, telegram_username: str | None, now: datetime) -> Publication:
    """How to sign up for a session: Telegram's deep link (else WhatsApp's link), the SMS
    code; dated today."""

    def booking_link(session_id: int) -> str | None:
        if telegram_username:
            return deep_link(telegram_username, session_id)
        if settings.whatsapp_enabled and settings.whatsapp_display_number:
            return whatsapp_link(settings.whatsapp_display_number, session_id)
        return None

    number = sms_number(settings)
    sms = (readable_number(number, settings.sms_default_region), code_for) if number else None
    return Publication(
        source=settings.publish_source,
        today=now.astimezone(settings.zone).date().isoformat(),
        zone=settings.zone,
        booking_link=booking_link,
        sms=sms,
    )


def partner(row: OrganisationRow, settings: Settings) -> Organisation:
    """A partner organisation as a structure: its SIRET, else its name, makes its id."""
    phone = row.phone
    return Organisation(
        id=row.siret or slug(row.name),
        name=row.name,
        description=row.description.strip(),
        address=row.address.strip(),
        siret=row.siret,
        phone=phone,
        phone_text=readable_number(phone, settings.sms_default_region) if phone else "",
        website=row.website,
    )


async def published_document(
    db: Database, settings: Settings, now: datetime, telegram_username: str | None
) -> Document:
    """``{"structures": [...], "services": [...]}`` for the upcoming sessions at ``now``:
    a structure per organisation, each service's ``structure_id`` its organisation's.

    The install's own organisation (the settings) runs the sessions of no organisation;
    a partner named like ORGANISATION_NAME is that one."""
    async with db.transaction() as session:
        sessions = await published_sessions(session, now)
        rows = await organisations_by_name(session)
    own_name = same_name(settings.organisation_name)
    own_sessions = [w for w in sessions if w.organisation_id is None]
    own = organisation(settings, own_sessions or sessions)
    by_id = {
        row.id: own if key == own_name else partner(row, settings) for key, row in rows.items()
    }
    structures = list({o.id: o for o in by_id.values()}.values())
    if own_sessions or not structures or own_name in rows:
        structures = [own, *[o for o in structures if o.id != own.id]]
    return data_inclusion(
        structures,
        sessions,
        publication(settings, telegram_username, now),
        lambda workshop: by_id.get(workshop.organisation_id or 0, own),
    )


def as_json(value: object) -> bytes:
    """UTF-8 JSON, accents as they are, stable key order."""
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


@dataclass(slots=True)
class PublishedFeed:
    """The public routes, each answer built at most once per ``CACHE_FOR``."""

    db: Database
    settings: Settings
    clock: Clock
    telegram_username: Callable[[], str | None] = lambda: None
    _cached: tuple[datetime, Document] | None = field(default=None, init=False)
    _building: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def document(self) -> Document:
        """The published document, from the cache while it is fresh; built by one request at
        a time, so a burst of requests when it expires costs one query, not one each."""
        async with self._building:
            now = self.clock.now()
            if self._cached is not None and now < self._cached[0]:
                return self._cached[1]
            username = self.settings.telegram_bot_username or self.telegram_username()
            built = await published_document(self.db, self.settings, now, username)
            self._cached = (now + CACHE_FOR, built)
            return built

    async def services(self, _: Request) -> Response:
        """``GET /api/data-inclusion/services.json``: the services, a JSON array."""
        return _json((await self.document())["services"])

    async def structures(self, _: Request) -> Response:
        """``GET /api/data-inclusion/structures.json``: the structures, a JSON array."""
        return _json((await self.document())["structures"])

    def routes(self) -> list[Route]:
        """The two public, read-only routes."""
        return [
            Route(SERVICES_PATH, self.services, methods=["GET"]),
            Route(STRUCTURES_PATH, self.structures, methods=["GET"]),
        ]


def _json(value: object) -> Response:
    return Response(as_json(value), media_type="application/json", headers=HEADERS)

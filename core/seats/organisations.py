"""Organisations, their organisers, what each organiser may see, and the record of changes.

An organiser of one organisation sees and changes only its sessions; a network organiser
(and the shared dashboard password, and ADMIN_TELEGRAM_IDS) all of them. Sessions with no
organisation are the install's own: the organisation named like ORGANISATION_NAME has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models import Organisation, Organiser, OrganiserAction, WorkshopSession

SHARED_PASSWORD = "shared-password"
"""The actor recorded for changes made with the shared DASHBOARD_PASSWORD_HASH login."""


def same_name(name: str) -> str:
    """A name as names are compared: spaces squeezed, case folded."""
    return " ".join(name.split()).casefold()


def normal_email(email: str) -> str:
    """An e-mail address as it is stored and looked up."""
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class Scope:
    """Which sessions an organiser sees and changes.

    ``organisation_id`` None: every session (a network organiser). ``home``: the sessions
    of no organisation too (the organiser's organisation is the install's own).
    """

    organisation_id: int | None = None
    home: bool = False

    @property
    def everything(self) -> bool:
        """Whether every organisation's sessions are in it."""
        return self.organisation_id is None

    def where(self) -> ColumnElement[bool]:
        """The condition on sessions (true for a network organiser)."""
        if self.organisation_id is None:
            return true()
        mine = WorkshopSession.organisation_id == self.organisation_id
        return or_(mine, WorkshopSession.organisation_id.is_(None)) if self.home else mine

    def covers(self, workshop: WorkshopSession) -> bool:
        """Whether this session is in it."""
        if self.organisation_id is None:
            return True
        if workshop.organisation_id is None:
            return self.home
        return workshop.organisation_id == self.organisation_id

    def new_session_organisation(self) -> int | None:
        """The organisation of a session this organiser adds (None: the install's own)."""
        return None if self.home else self.organisation_id


NETWORK = Scope()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, as the record keeps it."""

    label: str
    organiser_id: int | None = None


def scope_of(organiser: Organiser, organisation: Organisation, own_name: str) -> Scope:
    """What ``organiser`` sees; ``own_name`` is ORGANISATION_NAME (the install's own)."""
    if organiser.network:
        return NETWORK
    home = bool(own_name.strip()) and same_name(organisation.name) == same_name(own_name)
    return Scope(organisation.id, home)


async def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    now: datetime,
    session_id: int | None = None,
    detail: str = "",
) -> None:
    """Keep the change in the record, in the caller's transaction."""
    session.add(
        OrganiserAction(
            at=now,
            actor=actor.label[:254],
            organiser_id=actor.organiser_id,
            action=action[:32],
            session_id=session_id,
            detail=detail[:300],
        )
    )


async def organisations_by_name(session: AsyncSession) -> dict[str, Organisation]:
    """Every organisation, by its compared name (:func:`same_name`)."""
    rows = await session.execute(select(Organisation).order_by(Organisation.name))
    return {same_name(organisation.name): organisation for organisation in rows.scalars()}


async def find_or_add_organisation(session: AsyncSession, name: str, now: datetime) -> Organisation:
    """The organisation of that name, added when new."""
    found = (await organisations_by_name(session)).get(same_name(name))
    if found is not None:
        return found
    organisation = Organisation(name=" ".join(name.split())[:200], created_at=now)
    session.add(organisation)
    await session.flush()
    return organisation


async def any_organiser(session: AsyncSession) -> bool:
    """Whether at least one organiser login exists (the shared password then stops)."""
    return (await session.execute(select(func.count(Organiser.id)))).scalar_one() > 0


async def organiser_by_email(session: AsyncSession, email: str) -> Organiser | None:
    """The organiser of that e-mail address, if any."""
    query = select(Organiser).where(Organiser.email == normal_email(email))
    return (await session.execute(query)).scalar_one_or_none()


async def organiser_by_telegram(session: AsyncSession, telegram_id: int) -> Organiser | None:
    """The organiser of that Telegram user id, if any."""
    query = select(Organiser).where(Organiser.telegram_id == telegram_id)
    return (await session.execute(query)).scalar_one_or_none()


async def add_organiser(
    session: AsyncSession,
    email: str,
    password_hash: str,
    organisation_name: str,
    now: datetime,
    *,
    network: bool = False,
    telegram_id: int | None = None,
) -> Organiser:
    """Add an organiser (their organisation too when new); ValueError if the e-mail or the
    Telegram id is taken."""
    if await organiser_by_email(session, email) is not None:
        raise ValueError("an organiser with this e-mail already exists")
    if telegram_id is not None and await organiser_by_telegram(session, telegram_id):
        raise ValueError("an organiser with this Telegram id already exists")
    organisation = await find_or_add_organisation(session, organisation_name, now)
    organiser = Organiser(
        email=normal_email(email),
        password_hash=password_hash,
        organisation_id=organisation.id,
        network=network,
        telegram_id=telegram_id,
        created_at=now,
    )
    session.add(organiser)
    await session.flush()
    return organiser


async def remove_organiser(session: AsyncSession, email: str) -> bool:
    """Remove the organiser's login (their record of changes stays); whether one was."""
    result = await session.execute(delete(Organiser).where(Organiser.email == normal_email(email)))
    return bool(getattr(result, "rowcount", 0))


async def organisers_with_organisation(
    session: AsyncSession,
) -> list[tuple[Organiser, Organisation]]:
    """Every organiser with their organisation, by organisation then e-mail."""
    rows = await session.execute(
        select(Organiser, Organisation)
        .join(Organisation, Organisation.id == Organiser.organisation_id)
        .order_by(Organisation.name, Organiser.email)
    )
    return [(organiser, organisation) for organiser, organisation in rows.all()]

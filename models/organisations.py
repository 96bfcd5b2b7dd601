"""Organisations that run workshops, their organisers' logins, and what organisers did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class Organisation(Base):
    """A partner that runs sessions: the shop, a library, an association, France Services.

    The optional fields are those of a data·inclusion structure. Sessions without an
    organisation are the install's own (the one ORGANISATION_NAME describes).
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(64), default="", server_default="")
    """"boutique", "médiathèque", "association", "France Services"... as the operator says."""
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    siret: Mapped[str] = mapped_column(String(14), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Organiser(Base):
    """A person who runs sessions: a dashboard login (e-mail and Argon2 hash) and, if given,
    a Telegram user id for the organiser menu. A network organiser sees every organisation."""

    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    network: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrganiserAction(Base):
    """One change an organiser made (who, what, which session, when), kept after they go."""

    __tablename__ = "organiser_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    """The organiser's e-mail, "telegram:<id>", or "shared-password"."""
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    """Kept as a plain number: the record outlives the session."""
    detail: Mapped[str] = mapped_column(String(300), default="", server_default="")

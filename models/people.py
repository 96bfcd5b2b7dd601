"""People who talk to the bot, on one channel each; one phone number is one person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime

PHONE_CHANNELS = frozenset({"sms", "voice", "whatsapp"})
"""Channels that know a person by their phone number: one number is one person on all of
them, kept so by the unique index ``uq_people_phone_number``."""

_QUOTED = ", ".join(f"'{name}'" for name in sorted(PHONE_CHANNELS))
_PHONE_SQL = f"channel IN ({_QUOTED})"


class Person(Base):
    """Someone known by their channel and their address on it (chat id, phone number).

    On the phone channels the number alone is unique: the first SMS and the first WhatsApp
    message of one number, arriving at the same instant, cannot make two people.
    """

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index(
            "uq_people_phone_number",
            "external_id",
            unique=True,
            sqlite_where=text(_PHONE_SQL),
            postgresql_where=text(_PHONE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    """Where their messages go: on the phone channels, the one they used last."""
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The person wrote STOP: nothing is sent to them until they write START."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place_town: Mapped[str] = mapped_column(String(100), default="", server_default="")
    """The town the person chose for the workshops ("" until asked); erased with them."""
    place_latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    place_longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    """Where the person said they are (a town's point, a postcode's or a shared location)."""

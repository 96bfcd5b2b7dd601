"""Venues: the places where sessions are held, with their town and point."""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Venue(Base):
    """A place: its name and address as the schedule gives them, its town and postcode
    (from the schedule's columns or read from the address), its point, how to find it."""

    __tablename__ = "venues"
    __table_args__ = (Index("ix_venues_town", "town"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    """The venue's identity: a hash of its name and address, folded."""
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(10), default="", server_default="")
    town: Mapped[str] = mapped_column(String(100), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    access: Mapped[str] = mapped_column(String(300), default="", server_default="")
    """How to find the place once there, for every session held in it."""

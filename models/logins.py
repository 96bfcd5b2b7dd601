"""Organiser logins to the dashboard: one row per login, deleted when it ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class DashboardLogin(Base):
    """A login in progress. The signed cookie names it; without its row it opens nothing.

    Only a digest of the cookie's login token is kept, so the table alone opens nothing
    either. Logging out deletes the row: a copied cookie then stops working at once, on
    every instance and after a restart.
    """

    __tablename__ = "dashboard_logins"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

"""venues: a table of places; sessions point to theirs; people remember their town

The sessions keep their venue, address and coordinates as the schedule wrote them (every
screen reads them there); each distinct venue and address becomes a venue row, with the town
and postcode read from the end of the address ("12 rue X, 57000 Metz"), and the sessions
are pointed to it. People get the town they chose for the workshops, and its point.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:45:00
"""

import hashlib
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POSTCODE_TOWN = re.compile(r"\b(\d{5})\s+([^\d,;]+?)\s*(?:,?\s*france)?\s*$", re.IGNORECASE)


def _key(name: str, address: str) -> str:
    """The same as core.seats.venues.venue_key, frozen here as it was."""
    raw = f"{' '.join(name.casefold().split())}|{' '.join(address.casefold().split())}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _town(address: str) -> tuple[str, str]:
    found = _POSTCODE_TOWN.search(address.strip())
    if found is None:
        return "", ""
    town = found.group(2).strip(" -")
    return (town.title() if town.isupper() and len(town) > 3 else town), found.group(1)


def upgrade() -> None:
    """Apply this revision."""
    venues = op.create_table(
        "venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False, server_default=""),
        sa.Column("town", sa.String(100), nullable=False, server_default=""),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("access", sa.String(300), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
        sa.UniqueConstraint("key", name=op.f("uq_venues_key")),
    )
    op.create_index("ix_venues_town", "venues", ["town"])
    # Not a batch, and no foreign key: on SQLite a batch copies the sessions table and drops
    # the old one, and with foreign keys on, that drop deletes every booking (ON DELETE
    # CASCADE). The importer is the only writer of venue_id and never deletes a venue.
    op.add_column("sessions", sa.Column("venue_id", sa.Integer(), nullable=True))
    # A venue's sessions to come, soonest first: the town question asks, for each venue,
    # whether one is to come (one index seek), and the list reads a town's in order.
    op.create_index("ix_sessions_venue_id_starts_at", "sessions", ["venue_id", "starts_at"])
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("place_town", sa.String(100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("place_latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("place_longitude", sa.Float(), nullable=True))
    _venues_of_sessions(venues)


def _venues_of_sessions(venues: sa.Table) -> None:
    """One venue per distinct venue and address of the existing sessions."""
    bind = op.get_bind()
    sessions = sa.table(
        "sessions",
        sa.column("id", sa.Integer()),
        sa.column("venue", sa.String()),
        sa.column("address", sa.String()),
        sa.column("latitude", sa.Float()),
        sa.column("longitude", sa.Float()),
        sa.column("venue_id", sa.Integer()),
    )
    rows = bind.execute(
        sa.select(
            sessions.c.venue,
            sessions.c.address,
            sa.func.max(sessions.c.latitude),
            sa.func.max(sessions.c.longitude),
        ).group_by(sessions.c.venue, sessions.c.address)
    ).all()
    for name, address, latitude, longitude in rows:
        town, postcode = _town(address)
        key = _key(name, address)
        bind.execute(
            venues.insert().values(
                key=key,
                name=name,
                address=address,
                postcode=postcode,
                town=town,
                latitude=latitude,
                longitude=longitude,
                access="",
            )
        )
        venue_id = bind.execute(sa.select(venues.c.id).where(venues.c.key == key)).scalar_one()
        bind.execute(
            sessions.update()
            .where(sessions.c.venue == name, sessions.c.address == address)
            .values(venue_id=venue_id)
        )


def downgrade() -> None:
    """Revert this revision."""
    for column in ("place_longitude", "place_latitude", "place_town"):  # in place, no copy
        op.execute(f"ALTER TABLE people DROP COLUMN {column}")
    op.drop_index("ix_sessions_venue_id_starts_at", table_name="sessions")
    op.execute("ALTER TABLE sessions DROP COLUMN venue_id")  # in place, as it was added
    op.drop_index("ix_venues_town", table_name="venues")
    op.drop_table("venues")

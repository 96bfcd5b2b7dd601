"""organisations: partners that run sessions, their organisers' logins, what organisers did

A session's organisation is optional: sessions of before this revision stay the install's
own (ORGANISATION_NAME), and the shared dashboard password keeps opening the dashboard
until the first organiser is added.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(64), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("address", sa.String(300), server_default="", nullable=False),
        sa.Column("siret", sa.String(14), server_default="", nullable=False),
        sa.Column("phone", sa.String(32), server_default="", nullable=False),
        sa.Column("website", sa.String(300), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
    )
    op.create_table(
        "organisers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisers_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisers")),
        sa.UniqueConstraint("email", name=op.f("uq_organisers_email")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_organisers_telegram_id")),
    )
    op.create_index(op.f("ix_organisers_organisation_id"), "organisers", ["organisation_id"])
    op.create_table(
        "organiser_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(300), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organisers.id"],
            name=op.f("fk_organiser_actions_organiser_id_organisers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organiser_actions")),
    )
    op.create_index(op.f("ix_organiser_actions_at"), "organiser_actions", ["at"])
    op.create_index(op.f("ix_organiser_actions_session_id"), "organiser_actions", ["session_id"])
    # A plain ADD COLUMN, never a rebuild: on SQLite, rebuilding ``sessions`` drops it,
    # and its bookings would go with it (ON DELETE CASCADE).
    op.add_column("sessions", sa.Column("organisation_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_sessions_organisation_id"), "sessions", ["organisation_id"])


def downgrade() -> None:
    """Revert this revision (sessions go back to the install's own organisation)."""
    op.drop_index(op.f("ix_sessions_organisation_id"), table_name="sessions")
    if op.get_bind().dialect.name == "sqlite":  # a plain DROP COLUMN, no rebuild (see above)
        op.execute("ALTER TABLE sessions DROP COLUMN organisation_id")
    else:
        op.drop_column("sessions", "organisation_id")
    op.drop_index(op.f("ix_organiser_actions_session_id"), table_name="organiser_actions")
    op.drop_index(op.f("ix_organiser_actions_at"), table_name="organiser_actions")
    op.drop_table("organiser_actions")
    op.drop_index(op.f("ix_organisers_organisation_id"), table_name="organisers")
    op.drop_table("organisers")
    op.drop_table("organisations")

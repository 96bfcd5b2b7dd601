"""learned_examples and weekly_readings: labels learned from the organisers, weekly counts

learned_examples keeps a labelled message's scrubbed text and its meaning, no person;
weekly_readings counts the messages read, not understood and clarified per week and
language, without any text.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "learned_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("intent", sa.String(20), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("learned_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_examples")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "weekly_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_readings")),
    )
    op.create_index(op.f("ix_weekly_readings_week"), "weekly_readings", ["week"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_weekly_readings_week"), table_name="weekly_readings")
    op.drop_table("weekly_readings")
    op.drop_table("learned_examples")

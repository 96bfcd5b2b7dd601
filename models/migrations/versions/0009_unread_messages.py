"""unread_messages: what people wrote that the bot did not understand (text only)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "unread_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unread_messages")),
    )
    op.create_index(op.f("ix_unread_messages_received_at"), "unread_messages", ["received_at"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_unread_messages_received_at"), table_name="unread_messages")
    op.drop_table("unread_messages")

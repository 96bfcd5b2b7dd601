"""outbox: the channel's id of a sent message and the delivery status it reported

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_message_id", sa.String(128), nullable=True))
        batch_op.add_column(sa.Column("delivery_status", sa.String(16), nullable=True))
        batch_op.create_index("ix_outbox_provider_message_id", ["provider_message_id"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_provider_message_id")
        batch_op.drop_column("delivery_status")
        batch_op.drop_column("provider_message_id")

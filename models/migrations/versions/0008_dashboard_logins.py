"""dashboard: logins that logging out ends; freed seats and seats taken from the waiting list

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "dashboard_logins",
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_digest", name=op.f("pk_dashboard_logins")),
    )
    with op.batch_alter_table("dashboard_logins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dashboard_logins_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seat_freed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("from_waiting_list", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("from_waiting_list")
        batch_op.drop_column("seat_freed_at")
    with op.batch_alter_table("dashboard_logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dashboard_logins_expires_at"))
    op.drop_table("dashboard_logins")

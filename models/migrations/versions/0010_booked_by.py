"""bookings: who booked a seat for someone else (a relative, a helper)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booked_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_bookings_booked_by_id_people"),
            "people",
            ["booked_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(op.f("ix_bookings_booked_by_id"), ["booked_by_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_bookings_booked_by_id"))
        batch_op.drop_constraint(op.f("fk_bookings_booked_by_id_people"), type_="foreignkey")
        batch_op.drop_column("booked_by_id")

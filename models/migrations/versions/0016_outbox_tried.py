"""outbox: an index of the rows a sender tried and that are not done

A person's later messages wait behind the first of their rows that was tried and is not
done (put back to be tried again, or in a sender's hand); each claim looks them up. They
are few: a partial index holds only them, so that the look-up does not read every row
still to send (10,000 reminders of tomorrow).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIED = "attempts > 0 AND status != 'sent' AND status != 'failed' AND status != 'dropped'"


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        "ix_outbox_tried",
        "outbox",
        ["person_id", "id"],
        sqlite_where=sa.text(TRIED),
        postgresql_where=sa.text(TRIED),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_outbox_tried", table_name="outbox")

"""voice_calls: the phone line's calls in progress; the phone line shares the number identity

A caller is the person of their number on every phone channel: the unique index on the
number now covers the phone line ('voice') as well as SMS and WhatsApp. No person was on
the phone line before this revision, so none needs merging.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_PHONE = "channel IN ('sms', 'whatsapp')"
PHONE = "channel IN ('sms', 'voice', 'whatsapp')"


def _index(where: str) -> None:
    op.create_index(
        "uq_people_phone_number",
        "people",
        ["external_id"],
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    """Apply this revision."""
    op.drop_index("uq_people_phone_number", table_name="people")
    _index(PHONE)
    op.create_table(
        "voice_calls",
        sa.Column("call_sid", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_voice_calls_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_sid", name=op.f("pk_voice_calls")),
    )
    op.create_index(op.f("ix_voice_calls_person_id"), "voice_calls", ["person_id"])
    op.create_index(op.f("ix_voice_calls_updated_at"), "voice_calls", ["updated_at"])


def downgrade() -> None:
    """Revert this revision (people of the phone line stay, outside the index)."""
    op.drop_index(op.f("ix_voice_calls_updated_at"), table_name="voice_calls")
    op.drop_index(op.f("ix_voice_calls_person_id"), table_name="voice_calls")
    op.drop_table("voice_calls")
    op.drop_index("uq_people_phone_number", table_name="people")
    _index(OLD_PHONE)

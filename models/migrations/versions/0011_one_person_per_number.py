"""people: one phone number is one person on every phone channel (SMS, WhatsApp)

The first SMS and the first WhatsApp message of one number, arriving at the same instant,
could each insert a person: the two rows differed by channel. A unique index on the
number among the phone channels makes the second insert do nothing.

People already split in two are merged first, into the one seen last (their channel is
the one used last): bookings, bookings made for others, the conversation and queued
messages move to them. Where both held a seat (or a place in line) for one session, one
is kept, the better one (a seat before an offer, an offer before a place in line); the
other is cancelled and the seat it held given back.

An index rather than a new column: a column NOT NULL would rebuild the people table on
SQLite, and dropping it there, with foreign keys on, deletes every booking (ON DELETE
CASCADE). The index also follows erasure, which rewrites the number, with no code.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PHONE = "channel IN ('sms', 'whatsapp')"


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
    numbers = bind.execute(
        sa.text(
            f"SELECT external_id FROM people WHERE {PHONE} GROUP BY external_id HAVING COUNT(*) > 1"
        )
    ).scalars()
    now = datetime.now(UTC).replace(tzinfo=None)
    for number in list(numbers):
        _merge(bind, number, now)
    op.create_index(
        "uq_people_phone_number",
        "people",
        ["external_id"],
        unique=True,
        sqlite_where=sa.text(PHONE),
        postgresql_where=sa.text(PHONE),
    )


def downgrade() -> None:
    """Revert this revision (people merged stay merged)."""
    op.drop_index(
        "uq_people_phone_number",
        table_name="people",
        sqlite_where=sa.text(PHONE),
        postgresql_where=sa.text(PHONE),
    )


def _merge(bind: sa.Connection, number: str, now: datetime) -> None:
    """Make the people of ``number`` one: the one seen last, holding everything."""
    rows = bind.execute(
        sa.text(
            f"SELECT id, name FROM people WHERE {PHONE} AND external_id = :number "
            "ORDER BY last_seen_at DESC, id DESC"
        ),
        {"number": number},
    ).all()
    kept = rows[0].id
    name = next((row.name for row in rows if row.name), "")
    bind.execute(
        sa.text(
            "UPDATE people SET name = :name, "
            f"created_at = (SELECT MIN(created_at) FROM people WHERE {PHONE} "
            "AND external_id = :number), "
            f"opted_out = EXISTS (SELECT 1 FROM people WHERE {PHONE} "
            "AND external_id = :number AND opted_out) "
            "WHERE id = :kept"
        ),
        {"name": name, "number": number, "kept": kept},
    )
    for row in rows[1:]:
        _move(bind, row.id, kept, now)


def _move(bind: sa.Connection, other: int, kept: int, now: datetime) -> None:
    """Move everything of person ``other`` to person ``kept``, then delete ``other``."""
    ids = {"other": other, "kept": kept}
    clashes = bind.execute(
        sa.text(
            "SELECT mine.id AS kept_id, mine.status AS kept_status, "
            "mine.offer_expires_at AS kept_offer, theirs.id AS other_id, "
            "theirs.status AS other_status, theirs.offer_expires_at AS other_offer "
            "FROM bookings AS theirs JOIN bookings AS mine "
            "ON mine.session_id = theirs.session_id AND mine.person_id = :kept "
            "AND mine.status IN ('booked', 'waiting') "
            "WHERE theirs.person_id = :other AND theirs.status IN ('booked', 'waiting')"
        ),
        ids,
    ).all()
    for clash in clashes:  # the better of the two stays: a seat, an offer, a place in line
        mine = (clash.kept_status == "booked", clash.kept_offer is not None)
        theirs = (clash.other_status == "booked", clash.other_offer is not None)
        if theirs > mine:
            _cancel(bind, clash.kept_id, any(mine), now)
        else:
            _cancel(bind, clash.other_id, any(theirs), now)
    bind.execute(sa.text("UPDATE bookings SET person_id = :kept WHERE person_id = :other"), ids)
    bind.execute(
        sa.text("UPDATE bookings SET booked_by_id = :kept WHERE booked_by_id = :other"), ids
    )
    has_conversation = bind.execute(
        sa.text("SELECT 1 FROM conversations WHERE person_id = :kept"), ids
    ).first()
    if has_conversation is not None:  # the conversation of the one seen last goes on
        bind.execute(sa.text("DELETE FROM conversations WHERE person_id = :other"), ids)
    else:
        bind.execute(
            sa.text("UPDATE conversations SET person_id = :kept WHERE person_id = :other"), ids
        )
    bind.execute(sa.text("UPDATE outbox SET person_id = :kept WHERE person_id = :other"), ids)
    bind.execute(sa.text("DELETE FROM people WHERE id = :other"), ids)


def _cancel(bind: sa.Connection, booking: int, held_seat: bool, now: datetime) -> None:
    """Cancel a booking held twice by one person: give back the seat it held (``held_seat``:
    booked, or a freed seat offered), drop its reminders."""
    bind.execute(
        sa.text(
            "UPDATE bookings SET status = 'cancelled', offer_expires_at = NULL, "
            "seat_freed_at = CASE WHEN status = 'booked' THEN :now ELSE seat_freed_at END, "
            "updated_at = :now WHERE id = :booking"
        ).bindparams(sa.bindparam("now", type_=sa.DateTime())),
        {"now": now, "booking": booking},
    )
    if held_seat:
        bind.execute(
            sa.text(
                "UPDATE sessions SET seats_taken = seats_taken - 1 WHERE seats_taken > 0 "
                "AND id = (SELECT session_id FROM bookings WHERE id = :booking)"
            ),
            {"booking": booking},
        )
    bind.execute(
        sa.text(
            "UPDATE outbox SET status = 'dropped' WHERE status = 'pending' AND key LIKE :prefix"
        ),
        {"prefix": f"reminder:{booking}:%"},
    )

"""Delivery statuses a channel reports for messages it sent, and what follows from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.queue import REPLY, enqueue, record_delivery
from models import Person

TEMPLATE_ONLY = "template_only"
"""Payload flag of a notice sent again as its template (the channel refused free form)."""


async def record_status(
    session: AsyncSession,
    provider_message_id: str,
    status: str,
    now: datetime,
    *,
    error: str | None = None,
    unreachable: bool = False,
    send_as_template: bool = False,
) -> bool:
    """Note ``status`` on the outbox row of the message; return whether a row had it.

    A failure that means the number cannot be reached marks the person so; a notice that
    was refused because only a template may go is queued again, once, as its template.
    """
    row = await record_delivery(session, provider_message_id, status, error)
    if row is None:
        return False
    if status != "failed":
        return True
    if unreachable:
        person = await session.get(Person, row.person_id)
        if person is not None:
            person.unreachable = True
    if send_as_template and row.kind != REPLY and not row.payload.get(TEMPLATE_ONLY):
        await enqueue(
            session,
            key=f"{row.key}:template"[:128],
            person_id=row.person_id,
            kind=row.kind,
            due_at=now,
            payload={**row.payload, TEMPLATE_ONLY: True},
        )
    return True

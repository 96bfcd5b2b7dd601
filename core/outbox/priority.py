"""Which message goes first when more are waiting than a channel may send: priorities.

A person who just did something waits for the answer; a calendar file, a reminder for
tomorrow or a message to everyone can wait a little. The order, first to last:

1. ``FIRST``: the first answer to a newcomer (/start, often from a poster's code: someone
   who gets no answer at once thinks the bot does not work, and leaves);
2. ``ANSWER``: an answer to what a person already talking just did;
3. ``FOLLOW_UP``: what follows an answer (a calendar file, a map pin, the keyboard, buttons
   taken away) and the notices of a change (a session moved, a seat offered);
4. ``REMINDER``: reminders;
5. ``BROADCAST``: a message to everyone booked.

Nothing is starved: a message waits behind higher ones for its class's ``AGING`` at most;
past it, it takes its turn among them in the order they came. A message of class ``p``
queued at ``t`` goes before every message queued after ``t + AGING[p]``, so its wait is
``AGING[p]`` plus the time to send what was queued before it.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import timedelta
from enum import IntEnum


class Priority(IntEnum):
    """A message's place in the queue; lower goes first."""

    FIRST = 0
    ANSWER = 1
    FOLLOW_UP = 2
    REMINDER = 3
    BROADCAST = 4


AGING: dict[Priority, float] = {
    Priority.FIRST: -30.0,
    Priority.ANSWER: 0.0,
    Priority.FOLLOW_UP: 5.0,
    Priority.REMINDER: 30.0,
    Priority.BROADCAST: 60.0,
}
"""Seconds a message of each class lets later, higher ones pass it, at most (a negative
value: how long before it the others came that it passes).

``FIRST`` -30 s, the other way round: a newcomer's first answer passes what came up to 30 s
before it. In a poster's rush more is asked than Telegram's ceiling allows (1,000 people in a
minute, two messages each, against 29 a second), and someone must wait: the person who just
scanned and gets no answer thinks the bot does not work and leaves, while someone already
talking has seen it answer; their seat is taken already, Telegram tells them so at once in a
few words (``Reply.toast``, not counted against the ceiling), and only the confirmation
message waits, 30 s at most behind the newcomers who came after it.
``FOLLOW_UP`` 5 s: the person has the answer already and reads it; 5 s is the longest a
later answer may take (the rush's target), so a calendar file or a map pin is never later
than the next answer would be. ``REMINDER`` 30 s: a reminder is about tomorrow; half a
minute changes nothing for it, and a rush never holds the day's reminders back for longer.
``BROADCAST`` 60 s: a message to every booked person (often a thousand messages at once)
must not take the channel for a minute of answers; a minute later it goes along with them.
"""

REPLY_KIND = "reply"
REMINDER_KINDS = frozenset({"reminder"})
BROADCAST_KINDS = frozenset({"broadcast"})
"""The outbox kinds of each class (the names :mod:`core.seats` gives its rows); every other
kind but a reply (notices, offers, alerts) is a follow-up."""

_SENDING: ContextVar[Priority] = ContextVar("sending_priority", default=Priority.FOLLOW_UP)


def priority_of(kind: str) -> Priority:
    """The class of an outbox row of ``kind``."""
    if kind == REPLY_KIND:
        return Priority.ANSWER
    if kind in REMINDER_KINDS:
        return Priority.REMINDER
    if kind in BROADCAST_KINDS:
        return Priority.BROADCAST
    return Priority.FOLLOW_UP


def aging(priority: Priority) -> timedelta:
    """``AGING`` of ``priority`` as a duration."""
    return timedelta(seconds=AGING[priority])


def sending() -> Priority:
    """The class of the outbox row being delivered in this task (``FOLLOW_UP`` outside)."""
    return _SENDING.get()


def sending_as(priority: Priority) -> None:
    """Note the class of the outbox row this task delivers now (read by the channel's pacer)."""
    _SENDING.set(priority)

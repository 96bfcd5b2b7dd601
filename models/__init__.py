"""SQLAlchemy 2 typed models, the engine, and migrations. Imports nothing above it."""

from models.base import Base, UTCDateTime
from models.bookings import ACTIVE_STATUSES, Booking, BookingStatus
from models.conversations import Conversation, ProcessedUpdate
from models.db import Database, create_engine, is_sqlite
from models.labels import LearnedExample, WeeklyReadings
from models.logins import DashboardLogin
from models.organisations import Organisation, Organiser, OrganiserAction
from models.outbox import OutboxMessage, OutboxStatus
from models.people import Person
from models.unread import UnreadMessage
from models.venues import Venue
from models.voice_calls import VoiceCall
from models.workshops import SessionStatus, WorkshopSession

__all__ = [
    "ACTIVE_STATUSES",
    "Base",
    "Booking",
    "BookingStatus",
    "Conversation",
    "DashboardLogin",
    "Database",
    "LearnedExample",
    "Organisation",
    "Organiser",
    "OrganiserAction",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "ProcessedUpdate",
    "SessionStatus",
    "UTCDateTime",
    "UnreadMessage",
    "Venue",
    "VoiceCall",
    "WeeklyReadings",
    "WorkshopSession",
    "create_engine",
    "is_sqlite",
]

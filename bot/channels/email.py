"""The e-mail channel: organisers' alerts sent through SMTP with an asynchronous client.

A person of this channel is an organiser known by their address. The first line of the
text is the subject. Errors name the SMTP code only, never an address, since they are
logged and stored with the outbox row.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
from starlette.routing import BaseRoute

from bot.channels.channel import QuietLife, Shows, Wiring
from core.config import Settings
from core.delivery.sender import Deliver, PermanentFailure
from core.dialog import Reply
from core.seats.alerts import EMAIL
from models import Person

CHANNEL = EMAIL
SUBJECT_LENGTH = 120


SHOWS = Shows(buttons=False, max_length=100_000, markup="plain", documents=False)


class EmailChannel(QuietLife):
    """Deliver replies as plain-text e-mails through the configured SMTP server (to the
    organisers: nothing comes in this way)."""

    name = CHANNEL
    shows = SHOWS

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def routes(self) -> Sequence[BaseRoute]:
        """Nothing: e-mail only goes out."""
        return []

    def deliverer(self) -> Deliver:
        """Outbox rows as e-mails."""
        return self.deliver

    def message(self, person: Person, reply: Reply) -> EmailMessage:
        """The e-mail a reply becomes."""
        settings = self.settings
        sender = settings.smtp_from or settings.smtp_username
        first_line = reply.text.strip().split("\n", 1)[0]
        message = EmailMessage()
        message["From"] = sender
        message["To"] = person.external_id
        message["Subject"] = first_line[:SUBJECT_LENGTH]
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        message.set_content(reply.text)
        return message

    async def deliver(self, person: Person, reply: Reply) -> None:
        """Send one e-mail; a refusal for good (5xx) is not retried."""
        settings = self.settings
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        try:
            await aiosmtplib.send(
                self.message(person, reply),
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=password,
                start_tls=settings.smtp_starttls,
                timeout=settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(f"SMTP refused {len(error.recipients)} address(es)") from None
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600:
                raise PermanentFailure(f"SMTP {error.code}") from None
            raise RuntimeError(f"SMTP {error.code}") from None
        except (aiosmtplib.SMTPException, OSError) as error:
            raise RuntimeError(type(error).__name__) from None


def from_settings(wiring: Wiring) -> EmailChannel | None:
    """The e-mail channel when an SMTP server and organisers' addresses are set."""
    if not (wiring.settings.smtp_host and wiring.settings.organiser_emails):
        return None
    return EmailChannel(wiring.settings)

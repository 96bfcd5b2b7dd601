"""Every way to sign up that a poster shows: a QR code per chat app that is set up
(Telegram's deep link, WhatsApp's wa.me link with the session's code written in), and the
code to text by SMS."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import phonenumbers

from bot.web.qr import deep_link
from bot.web.rendering import t
from core.config import Settings
from core.understanding.session_codes import code_for


@dataclass(frozen=True, slots=True)
class QrLink:
    """One QR code of the poster: the app's name, printed under it, and the link."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class PosterChannels:
    """The QR codes and the SMS line of one session's poster."""

    codes: tuple[QrLink, ...]
    sms_line: str = ""

    @property
    def any(self) -> bool:
        """Whether the poster has a way to sign up at all."""
        return bool(self.codes or self.sms_line)


def whatsapp_link(number: str, session_id: int) -> str:
    """https://wa.me/<number>?text=ATELIER%2012: WhatsApp opens the chat, the code written."""
    digits = "".join(char for char in number if char.isdigit())
    return f"https://wa.me/{digits}?text={quote(code_for(session_id))}"


def readable_number(number: str, region: str = "FR") -> str:
    """``+33700000000`` as people write it at home (``07 00 00 00 00``)."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return number
    if phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def sms_number(settings: Settings) -> str:
    """The number people text, when SMS is set up."""
    if not settings.sms_provider:
        return ""
    if settings.sms_display_number:
        return settings.sms_display_number
    return settings.twilio_from_number if settings.sms_provider == "twilio" else ""


def poster_channels(
    settings: Settings, telegram_username: str | None, session_id: int
) -> PosterChannels:
    """What the poster of ``session_id`` offers, from what is set up."""
    codes: list[QrLink] = []
    if telegram_username:
        codes.append(
            QrLink(t("dashboard.poster_words.telegram"), deep_link(telegram_username, session_id))
        )
    if settings.whatsapp_enabled and settings.whatsapp_display_number:
        link = whatsapp_link(settings.whatsapp_display_number, session_id)
        codes.append(QrLink(t("dashboard.poster_words.whatsapp"), link))
    number = sms_number(settings)
    sms_line = ""
    if number:
        region = settings.sms_default_region
        sms_line = t(
            "dashboard.poster_words.sms",
            code=code_for(session_id),
            number=readable_number(number, region),
        )
    return PosterChannels(tuple(codes), sms_line)

"""Every way to sign up that a poster shows: a QR code per chat app that is set up
(Telegram's deep link, WhatsApp's wa.me link with the session's code written in), and the
code to text by SMS."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import phonenumbers

from bot.web.qr import deep_link, venue_link
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
    phone_line: str = ""
    """'Ou appelez le 03 87 00 00 00', on a venue's poster when the phone line is on."""

    @property
    def any(self) -> bool:
        """Whether the poster has a way to sign up at all."""
        return bool(self.codes or self.sms_line or self.phone_line)


def whatsapp_link(number: str, session_id: int | None) -> str:
    """https://wa.me/<number>?text=ATELIER%2012: WhatsApp opens the chat, the code written
    (``session_id`` None: the chat alone, for a venue's poster)."""
    digits = "".join(char for char in number if char.isdigit())
    if session_id is None:
        return f"https://wa.me/{digits}"
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


def venue_channels(
    settings: Settings, telegram_username: str | None, venue_id: int
) -> PosterChannels:
    """What the poster of a venue offers: Telegram opens on that venue's town's sessions,
    WhatsApp, SMS and the phone line on the bot, which asks the town when there are several."""
    codes: list[QrLink] = []
    if telegram_username:
        link = venue_link(telegram_username, venue_id)
        codes.append(QrLink(t("dashboard.poster_words.telegram"), link))
    if settings.whatsapp_enabled and settings.whatsapp_display_number:
        link = whatsapp_link(settings.whatsapp_display_number, None)
        codes.append(QrLink(t("dashboard.poster_words.whatsapp"), link))
    region = settings.sms_default_region
    number = sms_number(settings)
    sms_line = (
        t("dashboard.venue_poster_words.sms", number=readable_number(number, region))
        if number
        else ""
    )
    phone_line = (
        t(
            "dashboard.venue_poster_words.phone",
            number=readable_number(settings.twilio_voice_number, region),
        )
        if settings.voice_enabled
        else ""
    )
    return PosterChannels(tuple(codes), sms_line, phone_line)

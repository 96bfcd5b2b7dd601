"""Settings: one pydantic-settings class, read from the environment and `.env`."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import phonenumbers
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.phones import normalise_phone

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DASHBOARD_KEY_MIN_LENGTH = 32


class Settings(BaseSettings):
    """Everything the bot reads from its environment (see `.env.example`)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = TELEGRAM_DEFAULT_BASE_URL
    database_url: str = "sqlite+aiosqlite:///atelier.db"
    timezone: str = "Europe/Paris"
    reminder_time: time = time(10, 0)
    admin_telegram_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: str = "fr"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    offer_expiry_minutes: int = Field(default=360, ge=1)
    outbox_poll_seconds: float = Field(default=5.0, gt=0)
    send_rate_per_second: float = Field(default=29.0, gt=0)
    send_rate_per_chat: float = Field(default=1.0, gt=0)
    telegram_timeout_seconds: float = Field(default=10.0, gt=0)
    sessions_per_page: int = Field(default=4, ge=1, le=8)
    venue_latitude: float | None = Field(default=None, ge=-90, le=90)
    venue_longitude: float | None = Field(default=None, ge=-180, le=180)
    retention_months: int = Field(default=24, ge=1, le=120)
    http_enabled: bool = False
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    public_base_url: str | None = None
    sms_provider: Literal["", "twilio", "android"] = ""
    sms_default_region: str = "FR"
    sms_allowed_regions: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["FR"])
    for_others_per_session: int = Field(default=2, ge=0, le=50)
    for_others_upcoming: int = Field(default=4, ge=0, le=200)
    for_others_per_day: int = Field(default=6, ge=0, le=500)
    sms_rate_per_second: float = Field(default=1.0, gt=0)
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str = ""
    twilio_api_base_url: str = "https://api.twilio.com"
    android_sms_api_url: str = "https://api.sms-gate.app/3rdparty/v1"
    android_sms_username: str = ""
    android_sms_password: SecretStr | None = None
    android_sms_signing_key: SecretStr | None = None
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    telegram_bot_username: str = ""
    dashboard_password_hash: SecretStr | None = None
    dashboard_secret_key: SecretStr | None = None
    dashboard_session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    backup_dir: Path | None = None
    backup_days: int = Field(default=7, ge=1, le=3650)
    whatsapp_access_token: SecretStr | None = None
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v23.0"
    whatsapp_display_number: str = ""
    whatsapp_rate_per_second: float = Field(default=20.0, gt=0)
    sms_display_number: str = ""
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    sms_price_per_segment: float = Field(default=0.0, ge=0)
    reminder_days_before: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [3, 1])
    organiser_digest_time: time = time(18, 0)
    organiser_emails: Annotated[list[str], NoDecode] = Field(default_factory=list)
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    twilio_voice_number: str = ""
    voice_call_hours: str = "09:00-19:00"
    voice_shop_name: str = ""
    voice_call_back_days: int = Field(default=2, ge=1, le=14)
    smtp_from: str = ""
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)
    shutdown_grace_seconds: float = Field(default=5.0, ge=0, le=300)
    metrics_token: SecretStr | None = None
    organisation_name: str = ""
    organisation_description: str = ""
    organisation_siret: str = ""
    organisation_address: str = ""
    organisation_phone: str = ""
    organisation_website: str = ""
    publish_source: str = Field(default="atelier-bot", min_length=1, max_length=64)

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Read "12, 34" as [12, 34]."""
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        """Read "10.0.0.1, 10.0.0.2" as a list (empty: no proxy is trusted)."""
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("sms_allowed_regions", mode="before")
    @classmethod
    def _split_regions(cls, value: object) -> object:
        """Read "FR, RE" as ["FR", "RE"]: two-letter region codes, upper case."""
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, list | tuple):
            regions = [str(part).strip().upper() for part in value]
            if not all(region in phonenumbers.SUPPORTED_REGIONS for region in regions):
                raise ValueError("SMS_ALLOWED_REGIONS: two-letter region codes, e.g. FR,RE")
            return regions
        return value

    @field_validator("reminder_days_before", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        """Read "3, 1" as [3, 1]: each day once, the farthest first, each from 1 to 30."""
        if isinstance(value, str) and not value.strip():
            return [3, 1]  # set but empty: the default
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, list | tuple):
            try:
                days = sorted({int(day) for day in value}, reverse=True)
            except ValueError:
                days = []
            if not days or not all(1 <= day <= 30 for day in days):
                raise ValueError("REMINDER_DAYS_BEFORE: days from 1 to 30, e.g. 3,1")
            return days
        return value

    @field_validator("organiser_emails", mode="before")
    @classmethod
    def _split_emails(cls, value: object) -> object:
        """Read "a@x.fr, b@y.fr" as two addresses."""
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("organisation_siret")
    @classmethod
    def _siret(cls, value: str) -> str:
        """A SIRET is 14 digits; "123 456 789 00012" is read without its spaces."""
        digits = re.sub(r"\s", "", value)
        if digits and not re.fullmatch(r"\d{14}", digits):
            raise ValueError("ORGANISATION_SIRET must be 14 digits, such as 12345678900012")
        return digits

    @field_validator("organisation_phone")
    @classmethod
    def _e164(cls, value: str) -> str:
        """The public phone number as E.164 ("03 87 00 00 00" is +33387000000)."""
        if not value.strip():
            return ""
        number = normalise_phone(value)
        if number is None:
            raise ValueError("ORGANISATION_PHONE is not a phone number, such as +33387000000")
        return number

    @field_validator("organisation_website")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """A web address people can open: http:// or https://."""
        value = value.strip()
        if value and not re.fullmatch(r"https?://\S+", value):
            raise ValueError("ORGANISATION_WEBSITE must begin with https://")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Refuse a time zone name that does not exist."""
        ZoneInfo(value)
        return value

    @field_validator(
        "telegram_bot_token",
        "webhook_url",
        "webhook_secret",
        "public_base_url",
        "twilio_auth_token",
        "android_sms_password",
        "android_sms_signing_key",
        "dashboard_password_hash",
        "dashboard_secret_key",
        "metrics_token",
        "venue_latitude",
        "venue_longitude",
        "backup_dir",
        "whatsapp_access_token",
        "whatsapp_app_secret",
        "whatsapp_verify_token",
        "smtp_password",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """Treat an empty variable as unset."""
        return None if value == "" else value

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        """Webhook mode is refused without a secret token Telegram can send back."""
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_URL is set: set WEBHOOK_SECRET too (1-256 of A-Z a-z 0-9 _ -)"
            )
        if self.webhook_secret is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", self.webhook_secret.get_secret_value()
        ):
            raise ValueError("WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and -, 1 to 256 of them")
        return self

    @field_validator("telegram_bot_username")
    @classmethod
    def _bare_username(cls, value: str) -> str:
        """Read "@atelier_bot" as "atelier_bot"."""
        return value.strip().removeprefix("@")

    @model_validator(mode="after")
    def _dashboard_needs_a_key(self) -> Settings:
        """The web dashboard is refused without a real hash and a long session key."""
        if self.dashboard_password_hash is None:
            return self
        if not self.dashboard_password_hash.get_secret_value().startswith("$argon2"):
            raise ValueError(
                "DASHBOARD_PASSWORD_HASH must be the hash printed by `atelier hash-password`"
            )
        key = self.dashboard_secret_key
        if key is None or len(key.get_secret_value()) < DASHBOARD_KEY_MIN_LENGTH:
            raise ValueError(
                "DASHBOARD_PASSWORD_HASH is set: set DASHBOARD_SECRET_KEY too, a random string "
                f"of at least {DASHBOARD_KEY_MIN_LENGTH} characters (python -c "
                '"import secrets; print(secrets.token_urlsafe(32))")'
            )
        return self

    @model_validator(mode="after")
    def _whatsapp_needs_its_keys(self) -> Settings:
        """WhatsApp is refused without the number to send from and the webhook's secret."""
        if self.whatsapp_access_token is None:
            return self
        if not self.whatsapp_phone_number_id or self.whatsapp_app_secret is None:
            raise ValueError(
                "WHATSAPP_ACCESS_TOKEN is set: set WHATSAPP_PHONE_NUMBER_ID and "
                "WHATSAPP_APP_SECRET too (from the app's WhatsApp and Basic settings pages)"
            )
        return self

    @model_validator(mode="after")
    def _voice_needs_twilio(self) -> Settings:
        """The phone line is refused without Twilio's account, its token and the public address."""
        if self.twilio_voice_number and (
            not self.twilio_account_sid or self.twilio_auth_token is None
        ):
            raise ValueError(
                "TWILIO_VOICE_NUMBER is set: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN too"
            )
        if self.twilio_voice_number and not self.public_base_url:
            raise ValueError(
                "TWILIO_VOICE_NUMBER is set: set PUBLIC_BASE_URL too (Twilio signs, and calls"
                " back, the public address of the phone line)"
            )
        return self

    @field_validator("voice_call_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        """Refuse hours that are not "HH:MM-HH:MM", the first before the second."""
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", value)
        if match is None:
            raise ValueError("VOICE_CALL_HOURS must read like 09:00-19:00")
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        start, end = time(start_h % 24, start_m % 60), time(end_h % 24, end_m % 60)
        if (start_h, start_m) >= (end_h, end_m) or end_h > 23 or end_m > 59 or start_m > 59:
            raise ValueError("VOICE_CALL_HOURS must read like 09:00-19:00")
        return f"{start:%H:%M}-{end:%H:%M}"

    @property
    def call_hours(self) -> tuple[time, time]:
        """When the phone line may call people, local time (from ``VOICE_CALL_HOURS``)."""
        start, end = self.voice_call_hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)

    @property
    def voice_enabled(self) -> bool:
        """Whether the phone line runs (on when ``TWILIO_VOICE_NUMBER`` is set)."""
        return bool(self.twilio_voice_number)

    @property
    def whatsapp_enabled(self) -> bool:
        """Whether the WhatsApp channel runs (on when ``WHATSAPP_ACCESS_TOKEN`` is set)."""
        return self.whatsapp_access_token is not None

    @property
    def dashboard_enabled(self) -> bool:
        """Whether the organisers' web dashboard is served (under /admin)."""
        return self.dashboard_password_hash is not None

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

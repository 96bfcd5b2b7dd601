"""Reading Telegram updates safely: a malformed one is skipped, never a crash nor a stall.

Telegram's own updates are well formed, but anything can reach a webhook, and one update
python-telegram-bot cannot read would stop polling for good: ``Bot.get_updates`` raises for
the whole batch, the offset never moves past it, and the same batch comes back forever.
Here such an update is kept as an empty ``Update`` (its ``update_id`` only), so that it is
confirmed and ignored, and the others go on. Nothing of its content is logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Bot, Message, Update

from bot.channels.telegram.transport import AiohttpRequest
from core.dialog import Incoming, Kind, Sender

log = logging.getLogger(__name__)

CHANNEL = "telegram"
JSON = dict[str, Any]
ID_LIMIT = 2**52
"""Chat and user ids "have at most 52 significant bits" (https://core.telegram.org/bots/api#chat)."""


def readable(data: object) -> JSON | None:
    """``data`` when it is an update python-telegram-bot can read; ``{"update_id": ...}``
    when only its id is readable; None without an id (nothing to confirm)."""
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int):
        return None
    try:
        Update.de_json(data, None)
    except Exception as error:  # any shape python-telegram-bot cannot read
        log.warning("an unreadable Telegram update was ignored (%s)", type(error).__name__)
        return {"update_id": update_id}
    return data


def parse_update(data: object, bot: Bot) -> Update | None:
    """The update in ``data`` (an empty one when only its id is readable), or None."""
    kept = readable(data)
    return None if kept is None else Update.de_json(kept, bot)


class TolerantUpdatesRequest(AiohttpRequest):
    """The getUpdates connection, replacing each unreadable update by an empty one."""

    def __init__(self, timeout: float = 5.0) -> None:
        super().__init__(timeout=timeout, pool_size=1)  # one poll at a time

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        """The Bot API's answer; a getUpdates batch has each unreadable update reduced."""
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if code != 200 or not url.endswith("/getUpdates"):
            return code, payload
        try:
            body = json.loads(payload)
        except ValueError:
            return code, payload
        result = body.get("result") if isinstance(body, dict) else None
        if not isinstance(result, list):
            return code, payload
        kept = [readable(item) for item in result]
        if kept == result:
            return code, payload
        if None in kept:
            log.warning("an update without a readable update_id was ignored")
        body["result"] = [item for item in kept if item is not None]
        return code, json.dumps(body).encode()


def chat_id_of(value: object) -> str | None:
    """A chat or user id as the flows keep it, or None when it is not a Telegram id."""
    if isinstance(value, bool) or not isinstance(value, int) or not -ID_LIMIT < value < ID_LIMIT:
        return None
    return str(value)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def incoming_from(update: Update) -> Incoming | None:
    """Translate a Telegram update into a channel-neutral event (None: nothing to answer).

    Only private chats are answered; an update without a usable chat (no chat, no sender of
    a button, an id that is not a number) is ignored before anything is recorded.
    """
    key = str(update.update_id)
    query = update.callback_query
    if query is not None:
        user = query.from_user
        message = query.message
        chat = getattr(message, "chat", None) if message is not None else None
        external = chat_id_of(getattr(chat, "id", None)) if chat is not None else None
        if external is None:
            external = chat_id_of(getattr(user, "id", None))
        if external is None:
            return None
        sender = Sender(
            CHANNEL,
            external,
            _text(getattr(user, "first_name", None)) or "",
            _text(getattr(user, "language_code", None)),
        )
        return Incoming(sender, Kind.CHOICE, choice=_text(query.data) or "", update_key=key)
    message = update.message
    chat = message.chat if message is not None else None
    if message is None or chat is None or chat.type != "private":
        return None
    external = chat_id_of(chat.id)
    if external is None:
        return None
    author = message.from_user
    sender = Sender(
        CHANNEL,
        external,
        _text(getattr(author, "first_name", None)) or "",
        _text(getattr(author, "language_code", None)),
    )
    text = _text(message.text)
    if text is not None:
        return Incoming(sender, Kind.TEXT, text=text, update_key=key)
    point = _point(message)
    if point is not None:  # a shared location (or a venue picked on the map): where they are
        latitude, longitude = point
        return Incoming(
            sender,
            Kind.OTHER,
            update_key=key,
            media="location",
            latitude=latitude,
            longitude=longitude,
        )
    return Incoming(sender, Kind.OTHER, update_key=key, media=_media_of(message))


def _point(message: Message) -> tuple[float, float] | None:
    """The point of a location message, when it is one that can be read."""
    location = message.location or (message.venue.location if message.venue else None)
    if location is None:
        return None
    latitude, longitude = location.latitude, location.longitude
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return float(latitude), float(longitude)


def _media_of(message: Message) -> str:
    """What a person sent instead of text."""
    if message.voice or message.audio or message.video_note:
        return "voice"
    if message.sticker:
        return "sticker"
    if message.photo or message.video:
        return "photo"
    return "other"

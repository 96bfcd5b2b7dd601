"""Reading Telegram updates safely: a malformed one is skipped, never a crash nor a stall.

Telegram's own updates are well formed, but anything can reach a webhook, and one update
python-telegram-bot cannot read would stop polling for good: ``Bot.get_updates`` raises for
the whole batch, the offset never moves past it, and the same batch comes back forever.
Here such an update is kept as an empty ``Update`` (its ``update_id`` only), so that it is
confirmed and ignored, and the others go on. Nothing of its content is logged. Each update
is read once (python-telegram-bot's objects are costly to build): :class:`TolerantBot`
reads a getUpdates batch update by update, the webhook reads its one update the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot, Message, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import ODVInput, TimePeriod
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ExtBot

from core.dialog import Incoming, Kind, Sender

log = logging.getLogger(__name__)

CHANNEL = "telegram"
JSON = dict[str, Any]
POLL_ATTEMPTS_AT_ONCE = 2
"""getUpdates is asked this many times in a row when its connection breaks, before
python-telegram-bot's own reaction to a network error: a pause of one second, then longer.
A single broken long poll (a connection dropped as it was reused) stopped every person's
updates for that second: in the conversation benchmark at half load, 85 of the 149 updates
slower than 100 ms in one run came from one such pause. The same offset is sent again, so an
update the lost answer carried comes again and nothing is lost or handled twice; a Bot API
that stays unreachable still meets the pause, after one quick try."""
ID_LIMIT = 2**52
"""Chat and user ids "have at most 52 significant bits" (https://core.telegram.org/bots/api#chat)."""


def _update_id(data: object) -> int | None:
    """The ``update_id`` of ``data``, when it is an object with a whole number there."""
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int):
        return None
    return update_id


def _unread_parts_left_out(data: JSON) -> JSON:
    """``data`` without the buttons of the message whose button was pressed: nothing reads
    them (the screen is replaced by its message id), and as python-telegram-bot objects
    they were about two thirds of the cost of reading a pressed button's update (0.3 ms
    instead of 0.12). ``data`` itself is left as it came."""
    query = data.get("callback_query")
    if not isinstance(query, dict):
        return data
    message = query.get("message")
    if not isinstance(message, dict) or "reply_markup" not in message:
        return data
    trimmed = {name: value for name, value in message.items() if name != "reply_markup"}
    return {**data, "callback_query": {**query, "message": trimmed}}


def parse_update(data: object, bot: Bot | None) -> Update | None:
    """The update in ``data``, read once; an empty one (its id only) when python-telegram-bot
    cannot read the rest; None without an id (nothing to confirm)."""
    update_id = _update_id(data)
    if update_id is None or not isinstance(data, dict):
        return None
    try:
        return Update.de_json(_unread_parts_left_out(data), bot)
    except Exception as error:  # any shape python-telegram-bot cannot read
        log.warning("an unreadable Telegram update was ignored (%s)", type(error).__name__)
        return Update.de_json({"update_id": update_id}, bot)


def updates_in(result: object, bot: Bot | None) -> tuple[Update, ...]:
    """Each update of a getUpdates answer, each read once (see :func:`parse_update`)."""
    if not isinstance(result, list):
        return ()
    updates = [parse_update(item, bot) for item in result]
    if None in updates:
        log.warning("an update without a readable update_id was ignored")
    return tuple(update for update in updates if update is not None)


class TolerantBot(ExtBot[None]):
    """The bot whose getUpdates reads each update once, an unreadable one as an empty one.

    python-telegram-bot's own ``get_updates`` reads the whole batch at once and raises for
    all of it when one update cannot be read (and logs that update's content).
    """

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 (the Bot API long poll's)
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSON | None = None,
    ) -> tuple[Update, ...]:
        """getUpdates, as ``Bot.get_updates`` makes it (the long poll's timeout added to
        the read timeout), each update read once."""
        data: JSON = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        if isinstance(read_timeout, DefaultValue):
            base = self._request[0].read_timeout or 0
        else:
            base = read_timeout or 0
        poll = timeout.total_seconds() if isinstance(timeout, timedelta) else (timeout or 0)
        for attempt in range(POLL_ATTEMPTS_AT_ONCE):
            try:
                result = await self._post(
                    "getUpdates",
                    data,
                    read_timeout=base + poll,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                    api_kwargs=api_kwargs,
                )
                break
            except (BadRequest, TimedOut):  # refused, or python-telegram-bot retries at once
                raise
            except NetworkError as error:  # the connection broke: ask again, same offset
                if attempt + 1 == POLL_ATTEMPTS_AT_ONCE:
                    raise
                log.info("getUpdates failed (%s); asked again at once", type(error).__name__)
        return updates_in(result, self)


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

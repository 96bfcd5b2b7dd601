"""The Bot API calls that answer people, made without python-telegram-bot's objects.

A reply's buttons go out as the JSON Telegram reads, and Telegram's answer (the message
as sent) is not turned back into objects nobody reads: python-telegram-bot spent more CPU
on that than on the call itself. The calls go through the bot's own request object, so a
refusal raises the same errors (``BadRequest``, ``Forbidden``, ``RetryAfter``,
``NetworkError``, ``TimedOut``) as the bot's methods do.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, InputFile
from telegram.request import RequestData

# Not exported, but what RequestData is made of (python-telegram-bot is pinned).
from telegram.request._requestparameter import RequestParameter

from core.dialog import Reply

JSON = dict[str, Any]


def markup_of(reply: Reply) -> JSON | None:
    """Choices as inline buttons, one row per row of choices."""
    if not reply.choices:
        return None
    return {
        "inline_keyboard": [
            [{"text": choice.label, "callback_data": choice.data} for choice in row]
            for row in reply.choices
        ]
    }


def keyboard_of(reply: Reply) -> JSON:
    """The keyboard that stays on screen, one main choice per row."""
    return {
        "keyboard": [[{"text": label}] for label in reply.keyboard],
        "resize_keyboard": True,
        "is_persistent": True,
    }


async def call(bot: Bot, method: str, **parameters: object) -> object:
    """Call ``method`` with the parameters that are not None; Telegram's result, as JSON."""
    data = RequestData(
        [
            RequestParameter.from_input(name, value)
            for name, value in parameters.items()
            if value is not None
        ]
    )
    return await bot.request.post(f"{bot.base_url}/{method}", request_data=data)


async def send_text(bot: Bot, chat_id: int, text: str, markup: JSON | None = None) -> None:
    """sendMessage."""
    await call(bot, "sendMessage", chat_id=chat_id, text=text, reply_markup=markup)


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: JSON | None = None
) -> None:
    """editMessageText: the message's text and buttons replaced."""
    await call(
        bot,
        "editMessageText",
        chat_id=chat_id,
        message_id=message_id,
        text=text,
        reply_markup=markup,
    )


async def send_document(
    bot: Bot, chat_id: int, document: InputFile, caption: str | None, markup: JSON | None = None
) -> None:
    """sendDocument: a file, with a caption and buttons."""
    await call(
        bot,
        "sendDocument",
        chat_id=chat_id,
        document=document,
        caption=caption,
        reply_markup=markup,
    )


async def send_venue(
    bot: Bot, chat_id: int, latitude: float, longitude: float, title: str, address: str
) -> None:
    """sendVenue: a place on a map."""
    await call(
        bot,
        "sendVenue",
        chat_id=chat_id,
        latitude=latitude,
        longitude=longitude,
        title=title,
        address=address,
    )


async def answer_callback(bot: Bot, query_id: str, text: str | None = None) -> None:
    """answerCallbackQuery: the button's spinner stops (and ``text`` shows a moment)."""
    await call(bot, "answerCallbackQuery", callback_query_id=query_id, text=text)

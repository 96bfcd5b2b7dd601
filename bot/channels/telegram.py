"""The Telegram channel: python-telegram-bot in, channel-neutral flows, replies out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.config import Settings
from bot.dialog import Incoming, Kind, Reply, Sender
from bot.sender import PermanentFailure, Unreachable
from models import Person

log = logging.getLogger(__name__)

CHANNEL = "telegram"
Handle = Callable[[Incoming], Awaitable[list[Reply]]]

__all__ = ["CHANNEL", "build_application", "incoming_from", "make_deliverer", "markup_of"]


def markup_of(reply: Reply) -> InlineKeyboardMarkup | None:
    """Choices as inline buttons, one row per row of choices."""
    if not reply.choices:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(c.label, callback_data=c.data) for c in row]
            for row in reply.choices
        ]
    )


def incoming_from(update: Update) -> Incoming | None:
    """Translate a Telegram update into a channel-neutral event (None: nothing to answer)."""
    key = str(update.update_id)
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        chat_id = chat.id if chat is not None else query.from_user.id
        sender = Sender(
            CHANNEL, str(chat_id), query.from_user.first_name, query.from_user.language_code
        )
        return Incoming(sender, Kind.CHOICE, choice=query.data or "", update_key=key)
    message = update.message
    if message is None or message.chat.type != "private":
        return None
    user = message.from_user
    sender = Sender(
        CHANNEL,
        str(message.chat.id),
        user.first_name if user else "",
        user.language_code if user else None,
    )
    if message.text is not None:
        return Incoming(sender, Kind.TEXT, text=message.text, update_key=key)
    return Incoming(sender, Kind.OTHER, update_key=key)


async def deliver(
    app: Application,
    chat_id: int,
    replies: list[Reply],
    *,
    edit: Message | None = None,
) -> None:
    """Send replies; the first one replaces the screen whose button was pressed."""
    for index, reply in enumerate(replies):
        if index == 0 and edit is not None:
            try:
                await edit.edit_text(reply.text, reply_markup=markup_of(reply))
                continue
            except BadRequest as error:
                if "not modified" in str(error).lower():
                    continue
                log.info("could not edit the message (%s); sending a new one", error)
        await app.bot.send_message(chat_id, reply.text, reply_markup=markup_of(reply))


def build_application(settings: Settings, handle: Handle) -> Application:
    """The python-telegram-bot Application, its Bot API address taken from the settings.

    Updates are processed one at a time per process: the database serialises bookings
    anyway, and order within a conversation is kept.
    """
    assert settings.telegram_bot_token is not None, "TELEGRAM_BOT_TOKEN is not set"
    base = settings.telegram_api_base_url.rstrip("/")
    file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"
    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(base)
        .base_file_url(file_base)
        .build()
    )

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hand every update to the flows and send what they answer."""
        incoming = incoming_from(update)
        if incoming is None:
            return
        replies = await handle(incoming)
        query = update.callback_query
        chat_id = int(incoming.sender.external_id)
        if query is not None:
            message = query.message if isinstance(query.message, Message) else None
            try:
                await deliver(context.application, chat_id, replies, edit=message)
            finally:
                await query.answer()  # stops the button's spinner once the answer is there
        else:
            await deliver(context.application, chat_id, replies)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log every error, first; a person who blocked the bot is not an error."""
        if isinstance(context.error, Forbidden):
            log.info("a person blocked the bot: %s", context.error)
            return
        log.error("error while handling an update", exc_info=context.error)

    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)
    return app


def make_deliverer(app: Application) -> Callable[[Person, Reply], Awaitable[None]]:
    """Deliver an outbox reply to a Telegram person, mapping Bot API errors to outcomes."""

    async def deliver_to(person: Person, reply: Reply) -> None:
        try:
            await app.bot.send_message(
                int(person.external_id), reply.text, reply_markup=markup_of(reply)
            )
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except BadRequest as error:
            raise PermanentFailure(str(error)) from error

    return deliver_to

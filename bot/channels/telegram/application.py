"""The Telegram Application, its webhook, its profile and its deliverer: the Bot API side."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.requests import Request
from starlette.responses import Response
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.bodies import (
    TELEGRAM_WEBHOOK_LIMIT,
    BodyTooLarge,
    JsonTooDeep,
    declared_too_large,
    parse_json,
    read_body,
    too_deep,
    too_large,
)
from bot.channels.pacing import Pacer
from bot.channels.telegram.calls import (
    JSON,
    answer_callback,
    edit_text,
    keyboard_of,
    markup_of,
    send_document,
    send_text,
    send_venue,
)
from bot.channels.telegram.chat_order import BEHIND, ChatOrder, send_turn
from bot.channels.telegram.transport import AiohttpRequest
from bot.channels.telegram.updates import TolerantBot, incoming_from, parse_update
from bot.channels.unavailable import try_again_later
from core.config import Settings
from core.delivery.sender import PartlySent, PermanentFailure, RetryLater, Unreachable
from core.dialog import Incoming, Reply
from core.i18n import LANGUAGES, Translator
from core.outbox.held import HeldReplies
from core.outbox.priority import Priority
from core.understanding.commands import DESCRIPTION_KEYS, MENU, ORGANISER_MENU, Command, name_of
from handlers.machinery.turns import Conversations
from models import Person
from models.db import is_unavailable

# Durations from python-telegram-bot as timedelta: its coming default, and no warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

log = logging.getLogger(__name__)

CHANNEL = "telegram"

_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True, slots=True)
class Answer:
    """What the flows answered an update: its replies, and the keys of their rows in the
    outbox, written with the update and held while they are sent (none when they were not
    written: a redelivered update, an apology)."""

    replies: list[Reply]
    keys: tuple[str, ...] = ()


Handle = Callable[[Incoming], Awaitable[Answer]]

__all__ = [
    "CHANNEL",
    "Answer",
    "Outcomes",
    "Sending",
    "build_application",
    "incoming_from",
    "make_deliverer",
    "markup_of",
    "pacer_for",
]


def pacer_for(settings: Settings) -> Pacer:
    """The pacing Telegram asks for: about 30 messages a second, one a second per chat."""
    return Pacer(settings.send_rate_per_second, settings.send_rate_per_chat)


def _seconds(wait: int | timedelta) -> float:
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def send_extra(
    pacer: Pacer, chat_id: int, what: str, send: Callable[[], Awaitable[object]]
) -> None:
    """Send what follows a message (its file, its map pin, a keyboard, buttons taken away).

    It goes after the answers waiting (a follow-up, see :mod:`core.outbox.priority`), a
    full spacing after the chat's previous paced send. A 429 holds back that chat (or every
    chat, see :meth:`Pacer.refused`) and the extra is tried again, twice at most. The message
    has gone already, so a failure here is logged, not raised: retrying the whole reply would
    send that message twice.
    """
    chat = str(chat_id)
    for _ in range(3):
        await pacer.wait_turn(chat, Priority.FOLLOW_UP)
        try:
            await send()
        except RetryAfter as error:
            pacer.refused(chat, _seconds(error.retry_after))
            continue
        except TelegramError as error:
            log.warning("the %s was not sent: %s", what, type(error).__name__)
        return
    log.warning("the %s was not sent: rate limited three times", what)


CAPTION_LIMIT = 1024
"""Telegram's longest caption, in UTF-16 code units (as it counts them)."""


def as_caption(reply: Reply) -> bool:
    """Whether ``reply`` goes as one message: its file, with its text as the caption."""
    units = len(reply.text.encode("utf-16-le")) // 2
    return reply.attachment is not None and 0 < units <= CAPTION_LIMIT


def without_keyboard(reply: Reply) -> Reply:
    """``reply`` once its keyboard has been sent."""
    return dataclasses.replace(reply, keyboard=(), keyboard_note="", keyboard_here=False)


def note_first(reply: Reply) -> bool:
    """Whether ``reply``'s keyboard comes in a note of its own, before it."""
    return bool(reply.keyboard and reply.keyboard_note) and not reply.keyboard_here


def keyboard_carried(reply: Reply) -> Reply | None:
    """``reply`` with its keyboard on it, when it comes with the message (``keyboard_here``):
    the note ends the text, and the keyboard takes the place of the choices (the same main
    choices). None when the keyboard does not ride on it, or the text would not fit then."""
    if not (reply.keyboard and reply.keyboard_here):
        return None
    text = f"{reply.text}\n\n{reply.keyboard_note}" if reply.keyboard_note else reply.text
    carried = dataclasses.replace(reply, text=text)
    if reply.attachment is not None and not as_caption(carried):
        return None
    return carried


async def send_keyboard(bot: Bot, pacer: Pacer, chat_id: int, reply: Reply) -> None:
    """The short note that brings the keyboard that stays on screen, if ``reply`` has one
    (after a message: a failure is logged)."""
    if not (reply.keyboard and reply.keyboard_note):
        return
    note, keyboard = reply.keyboard_note, keyboard_of(reply)
    await send_extra(pacer, chat_id, "keyboard", lambda: send_text(bot, chat_id, note, keyboard))


async def deliver_at(
    bot: Bot,
    pacer: Pacer,
    chat_id: int,
    replies: list[Reply],
    index: int,
    edit: Message | None,
    priority: Priority = Priority.ANSWER,
) -> None:
    """Send ``replies[index]``: a new message's keyboard note first, so that the message later
    edits change is the last in the chat. Once the note has gone, ``replies[index]`` loses
    it: a second try, or the outbox, does not send it again."""
    reply = replies[index]
    if edit is None and note_first(reply):
        await pacer.wait_overall(str(chat_id), priority)
        await send_text(bot, chat_id, reply.keyboard_note, keyboard_of(reply))
        reply = replies[index] = without_keyboard(reply)
    await deliver(bot, pacer, chat_id, [reply], edit=edit, priority=priority)


async def send_extras(bot: Bot, pacer: Pacer, chat_id: int, reply: Reply) -> None:
    """What follows a message: its file (unless it carried the message), its place on a
    map, the keyboard that stays (after an edited message only: a new one comes after it,
    or carries it).

    The buttons of a screen answered by a new message (a confirmation with its calendar
    file) stay: taking them away would cost one more send per booking, and a second tap
    on "Oui" only says the seat is booked already (nothing is booked twice)."""
    if reply.attachment is not None and not as_caption(reply):
        attachment = reply.attachment
        document = InputFile(attachment.content, filename=attachment.filename)
        await send_extra(
            pacer,
            chat_id,
            "calendar file",
            lambda: send_document(bot, chat_id, document, attachment.caption or None),
        )
    if reply.venue is not None:
        venue = reply.venue
        await send_extra(
            pacer,
            chat_id,
            "map pin",
            lambda: send_venue(
                bot, chat_id, venue.latitude, venue.longitude, venue.title, venue.address
            ),
        )
    await send_keyboard(bot, pacer, chat_id, reply)


async def send_message(bot: Bot, chat_id: int, reply: Reply, edit: Message | None) -> Reply:
    """The message itself: the file with the text as its caption where it fits, else the
    text, in place of the screen whose button was pressed when there is one. A keyboard
    that comes with the message (``keyboard_here``) rides on a new one. Return what is left
    to follow it (:func:`send_extras`)."""
    carried = keyboard_carried(reply)
    if carried is not None and (edit is None or carried.attachment is not None):
        await _send_new(bot, chat_id, carried, keyboard_of(carried))
        return without_keyboard(carried)
    if reply.keyboard_here:  # in place of a screen: the keyboard follows, in its note
        reply = dataclasses.replace(reply, keyboard_here=False)
    if as_caption(reply):
        await _send_new(bot, chat_id, reply, markup_of(reply))
        return reply
    if edit is not None:
        try:
            await edit_text(bot, edit.chat_id, edit.message_id, reply.text, markup_of(reply))
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                log.info("could not edit the message (%s); sending a new one", error)
                await send_text(bot, chat_id, reply.text, markup_of(reply))
        return reply
    await send_text(bot, chat_id, reply.text, markup_of(reply))
    return reply


async def _send_new(bot: Bot, chat_id: int, reply: Reply, markup: JSON | None) -> None:
    """``reply`` as a new message with ``markup``: its file with the text as caption where
    that fits (:func:`as_caption`), else the text."""
    if as_caption(reply):
        assert reply.attachment is not None
        document = InputFile(reply.attachment.content, filename=reply.attachment.filename)
        await send_document(bot, chat_id, document, reply.text, markup)
    else:
        await send_text(bot, chat_id, reply.text, markup)


async def deliver(
    bot: Bot,
    pacer: Pacer,
    chat_id: int,
    replies: list[Reply],
    *,
    edit: Message | None = None,
    priority: Priority = Priority.ANSWER,
) -> None:
    """Answer a person first; the first reply replaces the screen whose button was pressed.

    Answers go before everything else waiting (``priority``: a newcomer's first answer
    lets the others' answers pass for a moment). They count towards the overall ceiling
    but skip the per-chat one: a person who just wrote expects the answer now, and Telegram
    tolerates such short bursts. What follows a message (the buttons of the screen it
    answered, a file too long to carry it, a map pin) keeps the chat's pace, as a follow-up.
    """
    for index, reply in enumerate(replies):
        await pacer.wait_overall(str(chat_id), priority)
        pressed = edit if index == 0 else None
        left = await send_message(bot, chat_id, reply, pressed)
        await send_extras(bot, pacer, chat_id, left)


Requeue = Callable[[Incoming, list[Reply], int], Awaitable[None]]
"""Put an update's replies from the given place on in the outbox, to be sent by its sender
(woken: it sends them now, not at its next tick)."""


FLOODING_BEHIND = 3
"""A chat with this many updates waiting behind the one in hand is writing faster than it can
be answered: its work lets the others' pass for a while (``FOLLOW_UP``'s aging)."""


def priority_of_update(incoming: Incoming, behind: int = 0) -> Priority:
    """``FIRST`` for /start (a newcomer, often from a poster's code), else ``ANSWER``; a chat
    flooding (``behind`` its update, ``FLOODING_BEHIND`` or more) ``FOLLOW_UP``, whatever it
    writes, so that 300 "/start" take no newcomer's place."""
    if behind >= FLOODING_BEHIND:
        return Priority.FOLLOW_UP
    return Priority.FIRST if incoming.text.startswith("/start") else Priority.ANSWER


INLINE_RETRY_SECONDS = 2.0
"""A reply refused with a 429 asking for at most this long is sent again in line, at the
chat's pace (a second message in the same second); past it, it goes to the outbox."""


async def answer_update(
    bot: Bot,
    pacer: Pacer,
    update: Update,
    handle: Handle,
    requeue: Requeue,
    held: HeldReplies,
) -> None:
    """Hand one update to the flows and send what they answer (polling and webhook alike).

    The flows have committed by then, the replies written in the outbox with the update
    and held (:mod:`core.outbox.held`): each reply sent is forgotten there, a moment later;
    if the process dies before, the outbox's sender sends what was not, once the hold has
    lapsed. Replies that cannot be sent now (Telegram down, a timeout, a long 429) are
    handed to the sender at once, which retries them. A short 429 (two messages in one
    second to a chat) is waited out in line. While a chat floods (Telegram refused it
    several times lately), its replies go to the outbox at once, paced there at one a
    second, and it holds no place among the updates handled. Cancelled while sending (a
    shutdown past its grace, :class:`Sending`), the replies not sent yet go to the outbox
    too. The replies go once the chat's earlier ones have gone (:func:`send_turn`), while
    its next update is handled.
    """
    incoming = incoming_from(update)
    if incoming is None:
        return
    answer = await handle(incoming)
    replies = answer.replies
    progress = _Progress()
    try:
        await send_turn()  # after the chat's earlier replies; its next update may be handled
        await _send_replies(bot, pacer, update, incoming, answer, requeue, progress, held)
    except asyncio.CancelledError:  # stopping: the outbox sends what is left
        if progress.done < len(replies):
            log.info("stopping; %d replies queued to be sent", len(replies) - progress.done)
            await _hand_over(requeue, held, incoming, answer, progress.done)
        raise
    finally:
        held.let_go(answer.keys)  # any left: handed to the sender, or left to it


@dataclasses.dataclass(slots=True)
class _Progress:
    """How many of an update's replies have been sent (or queued) so far."""

    done: int = 0


async def _send_replies(
    bot: Bot,
    pacer: Pacer,
    update: Update,
    incoming: Incoming,
    answer: Answer,
    requeue: Requeue,
    progress: _Progress,
    held: HeldReplies,
) -> None:
    """Send the replies of ``answer`` (see :func:`answer_update`), counting them in
    ``progress``, each one's row forgotten once it has gone."""
    replies, keys = answer.replies, answer.keys
    query = update.callback_query
    priority = priority_of_update(incoming)
    chat_id = int(incoming.sender.external_id)
    chat = str(chat_id)
    message = query.message if query is not None and isinstance(query.message, Message) else None
    toast = replies[0].toast if replies else ""
    if query is not None and toast:  # at once: the message may wait for a send slot
        with contextlib.suppress(TelegramError):
            await answer_callback(bot, query.id, toast)
            query = None  # answered
    try:
        if replies and pacer.held_back(chat):  # a flood: no use trying now
            await _hand_over(requeue, held, incoming, answer, 0)
            progress.done = len(replies)
            return
        for index in range(len(replies)):
            edit = message if index == 0 else None
            try:
                try:
                    await deliver_at(bot, pacer, chat_id, replies, index, edit, priority)
                except RetryAfter as error:
                    seconds = _seconds(error.retry_after)
                    pacer.refused(chat, seconds)  # this chat, or everyone, waits
                    if seconds > INLINE_RETRY_SECONDS or pacer.held_back(chat):
                        raise
                    await pacer.wait_turn(chat, priority)
                    await deliver_at(bot, pacer, chat_id, replies, index, edit, priority)
            except BadRequest as error:
                log.warning("a reply was refused by Telegram: %s", error)
            except (NetworkError, RetryAfter) as error:
                if isinstance(error, RetryAfter):
                    pacer.refused(chat, _seconds(error.retry_after))
                log.warning("replies not sent (%s); queued to be sent again", type(error).__name__)
                await _hand_over(requeue, held, incoming, answer, index)
                progress.done = len(replies)
                return
            except Forbidden:
                for key in keys[index:]:  # blocked: nothing more goes to this chat
                    held.sent(key)
                raise
            except Exception:  # the update is recorded as handled: its replies must not be lost
                log.exception("replies not sent; queued to be sent again")
                await _hand_over(requeue, held, incoming, answer, index)
                progress.done = len(replies)
                return
            progress.done = index + 1
            if keys:
                held.sent(keys[index])
    finally:
        if query is not None:
            with contextlib.suppress(TelegramError):
                await answer_callback(bot, query.id)  # the spinner stops once answered


async def _hand_over(
    requeue: Requeue, held: HeldReplies, incoming: Incoming, answer: Answer, first: int
) -> None:
    """Hand the replies of ``answer`` from ``first`` on to the outbox's sender, which sends
    them at once: their rows are no longer in hand before it claims (it leaves those alone)."""
    await requeue(incoming, answer.replies[first:], first)
    held.let_go(answer.keys[first:])


class Outcomes:
    """The outcome of each update whose sender waits for it (the webhook's HTTP answer).

    The webhook puts its update on the Application's queue, as polling does, and waits
    here for the handler to say how it went: settled once the flows' transaction has
    committed (the update recorded as handled, a redelivery changes nothing), before the
    replies are sent, or with the error that kept it from committing.
    """

    def __init__(self) -> None:
        self._waiting: dict[int, asyncio.Future[None]] = {}

    def expect(self, update: Update) -> asyncio.Future[None]:
        """A future resolved once ``update`` (this very object) has been handled."""
        future = asyncio.get_running_loop().create_future()
        self._waiting[id(update)] = future
        return future

    def forget(self, update: Update) -> None:
        """Stop waiting for ``update`` (its request has been answered)."""
        self._waiting.pop(id(update), None)

    def settle(self, update: object, error: BaseException | None = None) -> None:
        """Resolve the future of ``update``, if anyone waits for it."""
        future = self._waiting.pop(id(update), None)
        if future is None or future.done():
            return
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


class Sending:
    """The handlers whose update has been handled and whose replies are being sent.

    On shutdown they may finish within a grace; past it they are cancelled, as is any that
    comes after (an update of the same chat waited behind one of them), and each puts the
    replies it has not sent in the outbox (:func:`answer_update`)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def add(self) -> None:
        """The current task sends its update's replies from now on (until :meth:`discard`).

        Once :meth:`cancel` has been called, it is cancelled at its next wait."""
        task = asyncio.current_task()
        if task is None:
            return
        self._tasks.add(task)
        if self._closed:
            task.cancel()

    def discard(self) -> None:
        """The current task has sent its replies."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.discard(task)

    def cancel(self) -> int:
        """Cancel every send in hand, and any to come (their replies go to the outbox);
        return how many were in hand."""
        self._closed = True
        for task in self._tasks:
            task.cancel()
        return len(self._tasks)


WEBHOOK_WAIT_SECONDS = 50.0
"""How long a webhook request waits for its update's outcome (Telegram gives up at 60 s)."""


def webhook_endpoint(
    app: Application, outcomes: Outcomes, secret: str
) -> Callable[[Request], Awaitable[Response]]:
    """``POST /telegram/webhook``: updates pushed by Telegram, checked by their secret token.

    A request without the right ``X-Telegram-Bot-Api-Secret-Token`` gets 403 and changes
    nothing; a body nested deeper than ``bodies.JSON_DEPTH`` gets 400 and changes nothing
    either. The update goes on the Application's queue, as in polling, and the request waits
    for its outcome: 200 once the flows' transaction has committed, before the replies are
    sent (they follow, paced, in the handler; they were written in the outbox with the
    update, so that a crash meanwhile loses none, see :func:`answer_update`), so that
    Telegram's few connections are not held by replies waiting for a send slot. When
    the database cannot be reached, the person is asked to try again in a minute and the
    answer is 503 with Retry-After (500 for any other failure), so that Telegram delivers
    the update again; a redelivered update that was handled already is recognised by its
    id and changes nothing.
    """

    async def endpoint(request: Request) -> Response:
        if declared_too_large(request, TELEGRAM_WEBHOOK_LIMIT):
            return too_large()
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("a webhook request without the right secret token was refused")
            return Response("forbidden", status_code=403)
        try:
            body = await read_body(request, TELEGRAM_WEBHOOK_LIMIT)
        except BodyTooLarge:
            return too_large()
        try:
            update = parse_update(parse_json(body), app.bot)
        except JsonTooDeep:
            log.warning("a webhook update nested too deep was refused")
            return too_deep()
        except Exception as error:  # a body that is not JSON
            log.info("an unreadable webhook request was ignored: %s", type(error).__name__)
            return Response("unreadable update", status_code=400)
        if update is None:
            return Response("unreadable update", status_code=400)
        outcome = outcomes.expect(update)
        try:
            await app.update_queue.put(update)
            await asyncio.wait_for(outcome, WEBHOOK_WAIT_SECONDS)
        except Exception as error:
            log.warning("a webhook update failed (%s); Telegram will retry", type(error).__name__)
            if is_unavailable(error):
                return try_again_later()
            return Response("try again", status_code=500)
        finally:
            outcomes.forget(update)
        return Response(status_code=200)

    return endpoint


async def _apologise(bot: Bot, update: Update, conversations: Conversations) -> None:
    """Tell the person to try again in a minute, if Telegram can be reached."""
    incoming = incoming_from(update)
    if incoming is not None:
        with contextlib.suppress(TelegramError):
            reply = conversations.apology(incoming)
            await send_text(bot, int(incoming.sender.external_id), reply.text)


async def connect(bot: Bot, *, attempts: int = 8, first_wait: float = 1.0) -> None:
    """Reach the Bot API (getMe), retrying with backoff while Telegram is unreachable."""
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            await bot.initialize()
            return
        except (NetworkError, TimedOut) as error:
            if attempt == attempts:
                raise
            log.warning(
                "Telegram is unreachable (%s); attempt %d of %d, next in %.0f s",
                type(error).__name__,
                attempt,
                attempts,
                wait,
            )
            await asyncio.sleep(wait)
            wait = min(wait * 2, 60.0)


def command_menu(language: str, commands: tuple[Command, ...] = MENU) -> list[BotCommand]:
    """The command menu in one language: that language's names and descriptions."""
    t = Translator(language)
    return [BotCommand(name_of(c, language), t(DESCRIPTION_KEYS[c])) for c in commands]


async def set_profile(bot: Bot, settings: Settings) -> None:
    """What people see of the bot, in each language (the default for other languages).

    The description is the screen before "Start"; the short description is on the profile
    and when the bot is shared; the command menu has each language's names. The organisers
    (``ADMIN_TELEGRAM_IDS``) also get their command, in a menu for their chat only. An admin
    who never wrote to the bot is unknown to Telegram ("chat not found"): logged, not fatal.
    """
    for code in (None, *LANGUAGES):
        language = code or settings.default_language
        t = Translator(language)
        privacy = "/" + name_of(Command.PRIVACY, language)
        await bot.set_my_description(t("telegram.description", privacy=privacy), code)
        await bot.set_my_short_description(t("telegram.short_description"), code)
        await bot.set_my_commands(command_menu(language), language_code=code)
        for admin in settings.admin_telegram_ids:
            try:
                await bot.set_my_commands(
                    command_menu(language, ORGANISER_MENU),
                    scope=BotCommandScopeChat(admin),
                    language_code=code,
                )
            except BadRequest as error:
                log.warning("the organisers' menu was not set for one admin: %s", error)


WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = ["message", "callback_query"]


async def register_webhook(bot: Bot, settings: Settings) -> None:
    """Ask Telegram to push updates to ``WEBHOOK_URL`` with the secret token."""
    assert settings.webhook_url is not None
    assert settings.webhook_secret is not None
    await bot.set_webhook(
        url=settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=ALLOWED_UPDATES,
    )


def build_application(
    settings: Settings,
    conversations: Conversations,
    pacer: Pacer,
    outcomes: Outcomes | None = None,
    sending: Sending | None = None,
    held: HeldReplies | None = None,
    wake: Callable[[], None] | None = None,
) -> Application:
    """The python-telegram-bot Application, its Bot API address taken from the settings.

    Polling and the webhook both put updates on its queue, and one handler answers them.
    Updates of different chats are processed concurrently, each chat's in order
    (:class:`ChatOrder`): waits on Telegram and on the database overlap. The update's
    outcome (for the webhook, in ``outcomes``) is settled once the flows have committed,
    before the replies go (the handlers sending them are in ``sending``; their rows in the
    outbox, written with the update, in ``held``; those that cannot go now are handed to
    the outbox's sender, woken by ``wake``). When the database cannot be reached the
    person is asked to try again, and the outcome is that error, so that Telegram delivers
    it again.
    """
    assert settings.telegram_bot_token is not None, "TELEGRAM_BOT_TOKEN is not set"
    waiting = outcomes if outcomes is not None else Outcomes()
    in_hand = sending if sending is not None else Sending()
    rows = held if held is not None else HeldReplies(conversations.db, conversations.clock)
    order = ChatOrder()
    base = settings.telegram_api_base_url.rstrip("/")
    file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"
    bot = TolerantBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=base,
        base_file_url=file_base,
        request=AiohttpRequest(timeout=settings.telegram_timeout_seconds),
        get_updates_request=AiohttpRequest(pool_size=1),  # one poll at a time
    )
    app = ApplicationBuilder().bot(bot).concurrent_updates(order).build()

    async def handle(incoming: Incoming) -> Answer:
        # The work takes a slot, a newcomer's first; waits on Telegram do not.
        async with order.slots.take(priority_of_update(incoming, BEHIND.get())):
            replies, keys = await conversations.handle_holding(incoming, raise_database_errors=True)
        rows.hold(keys)
        return Answer(replies, keys)

    async def requeue(incoming: Incoming, replies: list[Reply], first: int) -> None:
        await conversations.queue_replies(incoming, replies, first)
        if wake is not None:
            wake()  # sent now, not at the sender's next tick

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hand every update to the flows, settle its outcome once they have committed,
        then send what they answer."""

        async def handled(incoming: Incoming) -> Answer:
            answer = await handle(incoming)
            waiting.settle(update)  # committed: the webhook answers; the replies follow
            in_hand.add()
            return answer

        try:
            await answer_update(context.bot, pacer, update, handled, requeue, rows)
        except Forbidden:
            log.info("a person blocked the bot")
        except (OperationalError, DBAPIError) as error:
            log.error(
                "database unavailable (%s); the person is asked to retry", type(error).__name__
            )
            await _apologise(context.bot, update, conversations)
            waiting.settle(update, error)  # unless it had committed: then answered already
            return
        except Exception as error:
            log.exception("error while answering an update")
            waiting.settle(update, error)
            return
        finally:
            in_hand.discard()
        waiting.settle(update)  # an update without anything to handle

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log every error, first; a person who blocked the bot is not an error."""
        if isinstance(context.error, Forbidden):
            log.info("a person blocked the bot: %s", context.error)
            return
        log.error("error while handling an update", exc_info=context.error)

    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)
    return app


def make_deliverer(bot: Bot, pacer: Pacer) -> Callable[[Person, Reply], Awaitable[None]]:
    """Deliver an outbox reply to a Telegram person, paced, mapping Bot API errors to outcomes.

    403 (blocked) means unreachable; 400 is never retried; 429 holds back the chat, or all
    sending, for the time asked; timeouts and 5xx propagate as they are, for the sender to
    retry. Once the message itself has gone, what follows it never fails the row. When the
    keyboard note went out and the message did not, the failure comes as
    :class:`PartlySent` with the reply without its note: the retry does not send it again.
    """

    async def call(chat: str, send: Callable[[], Awaitable[_T]]) -> _T:
        """One paced call; the Bot API's refusals as the sender's outcomes."""
        try:
            await pacer.wait_turn(chat)
            return await send()
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            pacer.refused(chat, seconds)
            raise RetryLater(seconds) from error
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except BadRequest as error:
            raise PermanentFailure(str(error)) from error

    async def deliver_to(person: Person, reply: Reply) -> None:
        chat, chat_id = person.external_id, int(person.external_id)
        if note_first(reply):  # before the message, as in a chat
            note, keyboard = reply.keyboard_note, keyboard_of(reply)
            await call(chat, lambda: send_text(bot, chat_id, note, keyboard))
            rest = without_keyboard(reply)
            try:
                left = await call(chat, lambda: send_message(bot, chat_id, rest, None))
            except Exception as error:
                raise PartlySent(rest, error) from error
        else:
            left = await call(chat, lambda: send_message(bot, chat_id, reply, None))
        await send_extras(bot, pacer, chat_id, left)

    return deliver_to

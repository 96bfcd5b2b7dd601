"""The Bot API fake, driven by the real python-telegram-bot client over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.bot_api import FakeBotApi

CHAT = 4242


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta periods (RetryAfter.retry_after warns otherwise)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as client:
        yield client


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in pairs]
    )


async def test_get_me_returns_the_bot_user(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == 123456
    assert me.is_bot
    assert me.username == "atelier_test_bot"
    assert [c.method for c in api.calls] == ["getMe", "getMe"]  # initialize() + ours
    assert api.port > 0
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"


async def test_send_message_with_inline_keyboard(api: FakeBotApi, bot: Bot) -> None:
    first = await bot.send_message(CHAT, "Choisissez", reply_markup=keyboard(("Oui", "y")))
    second = await bot.send_message(CHAT, "123")

    assert first.text == "Choisissez"
    assert first.chat.id == CHAT
    assert first.chat.type == "private"
    assert first.from_user is not None
    assert first.from_user.is_bot
    assert first.reply_markup is not None
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "y"
    assert second.message_id == first.message_id + 1
    call = api.calls_for(CHAT)[0]
    assert call.params["chat_id"] == CHAT
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Oui", "callback_data": "y"}]]
    }
    assert api.calls_for(CHAT)[1].params["text"] == "123"  # stays a string
    sent = api.sent_to(CHAT)
    assert [m.text for m in sent] == ["Choisissez", "123"]
    assert sent[0].buttons == [[("Oui", "y")]]
    assert sent[1].buttons == []


async def test_send_message_rejects_empty_and_too_long_text(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(CHAT, "   ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    assert (await bot.send_message(CHAT, "x" * 4096)).text == "x" * 4096
    assert [c.status for c in api.calls_for(CHAT)] == [400, 400, 200]


async def test_edit_message_reply_markup_takes_the_buttons_away(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Venir ?", reply_markup=keyboard(("Oui", "y")))

    edited = await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)

    assert edited.text == "Venir ?"  # type: ignore[union-attr]
    assert edited.reply_markup is None  # type: ignore[union-attr]
    assert "reply_markup" not in api.message(CHAT, sent.message_id)  # type: ignore[operator]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)


async def test_edit_message_text_changes_the_message(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Avant", reply_markup=keyboard(("A", "a")))

    edited = await bot.edit_message_text("Après", chat_id=CHAT, message_id=sent.message_id)

    assert edited.text == "Après"  # type: ignore[union-attr]
    assert edited.reply_markup is None  # type: ignore[union-attr]
    assert api.message(CHAT, sent.message_id)["text"] == "Après"  # type: ignore[index]
    assert [m.text for m in api.sent_to(CHAT)] == ["Avant", "Après"]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Après", chat_id=CHAT, message_id=sent.message_id)
    assert (
        api.calls[-1].response["description"].startswith("Bad Request: message is not modified: ")
    )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("X", chat_id=CHAT, message_id=999)


async def test_button_data_is_limited_to_64_bytes(api: FakeBotApi, bot: Bot) -> None:
    ok = await bot.send_message(CHAT, "ok", reply_markup=keyboard(("é", "é" * 32)))  # 64 bytes
    assert ok.reply_markup is not None

    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "trop", reply_markup=keyboard(("é", "é" * 32 + "x")))
    assert api.calls[-1].response["description"] == "Bad Request: BUTTON_DATA_INVALID"
    assert len(api.sent_to(CHAT)) == 1


async def test_press_and_answer_callback_query(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Venir ?", reply_markup=keyboard(("Oui", "yes")))
    since = len(api.calls)
    api.user_press(CHAT, sent.message_id, "yes")

    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query is not None
    assert query.data == "yes"
    assert query.from_user.id == CHAT
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert query.chat_instance
    assert api.unanswered_queries() == [query.id]
    assert await bot.answer_callback_query(query.id, text="Noté")
    replies = await api.wait_for_replies(CHAT, since=since, quiet=0.01)
    assert [c.method for c in replies] == ["answerCallbackQuery"]
    assert api.callback_answers[query.id]["text"] == "Noté"
    assert api.unanswered_queries() == []


async def test_long_poll_returns_early_with_command_entity(api: FakeBotApi, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()

    api.user_text(CHAT, "/start s12", first_name="Lucie")
    (update,) = await poll

    assert time.monotonic() - started < 2
    message = update.message
    assert message is not None
    assert message.text == "/start s12"
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert message.from_user is not None
    assert message.from_user.first_name == "Lucie"
    assert message.from_user.language_code == "fr"
    assert message.chat.type == "private"


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


async def test_offset_confirms_older_updates(api: FakeBotApi, bot: Bot) -> None:
    first = api.user_text(CHAT, "un")
    second = api.user_text(CHAT, "deux")

    assert [u.update_id for u in await bot.get_updates()] == [
        first["update_id"],
        second["update_id"],
    ]
    again = await bot.get_updates()  # nothing confirmed yet
    assert len(again) == 2
    rest = await bot.get_updates(offset=second["update_id"])
    assert [u.update_id for u in rest] == [second["update_id"]]
    assert await bot.get_updates(offset=second["update_id"] + 1) == ()
    assert api.pending_updates() == []


async def test_redeliver_returns_a_confirmed_update_again(api: FakeBotApi, bot: Bot) -> None:
    original = api.user_text(CHAT, "inscription")
    (delivered,) = await bot.get_updates()
    offset = delivered.update_id + 1
    assert await bot.get_updates(offset=offset) == ()

    api.redeliver(original)

    (again,) = await bot.get_updates(offset=offset)
    assert again.update_id == original["update_id"]
    assert again.message is not None
    assert again.message.text == "inscription"
    assert await bot.get_updates(offset=offset) == ()


async def test_wrong_token_is_refused(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=api.base_url):
            pass
    assert api.calls[-1].status == 401
    assert api.calls[-1].response["description"] == "Unauthorized"


async def test_method_names_and_errors_over_raw_http(api: FakeBotApi) -> None:
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}") as client:
        me = await client.get("/GETME")
        unknown = await client.post("/sendPigeon", json={})
        form = await client.post(
            "/sendMessage",
            data={
                "chat_id": "42",
                "text": "true",
                "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "1"}]]}',
            },
        )

    assert me.json()["result"]["is_bot"] is True
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    result = form.json()["result"]
    assert result["text"] == "true"
    assert result["chat"] == {"id": 42, "first_name": "User", "type": "private"}
    assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "1"
    assert api.calls[-1].params["chat_id"] == 42


async def test_send_document_records_the_upload(api: FakeBotApi, bot: Bot) -> None:
    message = await bot.send_document(
        CHAT, document=b"%PDF-1\r\n\x00\xff", filename="plan.pdf", caption="Le plan"
    )

    assert message.document is not None
    assert message.document.file_name == "plan.pdf"
    assert message.document.mime_type == "application/pdf"
    assert message.caption == "Le plan"
    upload = api.calls_for(CHAT)[0].params["document"]
    assert upload.filename == "plan.pdf"
    assert upload.content == b"%PDF-1\r\n\x00\xff"
    assert api.sent_to(CHAT)[0].text == "Le plan"


async def test_venue_and_commands(api: FakeBotApi, bot: Bot) -> None:
    venue = await bot.send_venue(CHAT, 48.85, 2.35, "Médiathèque", "1 rue de Paris")
    await bot.set_my_commands([BotCommand("start", "Commencer")], language_code="fr")

    assert venue.venue is not None
    assert venue.venue.title == "Médiathèque"
    assert venue.location is not None
    assert venue.location.latitude == pytest.approx(48.85)
    assert api.commands == {
        ('{"type": "default"}', "fr"): [{"command": "start", "description": "Commencer"}]
    }
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start!", "x")])


async def test_command_menus_follow_telegram_limits(api: FakeBotApi, bot: Bot) -> None:
    longest = BotCommand("a" * 32, "d" * 256)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):  # nobody there wrote yet
        await bot.set_my_commands([longest], scope=BotCommandScopeChat(77))
    api.user(77)
    assert await bot.set_my_commands([longest], scope=BotCommandScopeChat(77), language_code="tr")
    assert api.commands[('{"chat_id": 77, "type": "chat"}', "tr")][0]["command"] == "a" * 32
    for name, description in (("a" * 33, "x"), ("ça", "x"), ("aide", "d" * 257), ("aide", " ")):
        with pytest.raises(BadRequest):
            await bot.set_my_commands([BotCommand(name, description)])
    with pytest.raises(BadRequest, match=r"(?i)language code"):
        await bot.set_my_commands([BotCommand("aide", "Aide")], language_code="fra")
    assert len(api.commands) == 1


async def test_descriptions_follow_telegram_limits(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.set_my_description("d" * 512, language_code="fr")
    assert await bot.set_my_short_description("s" * 120)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.set_my_description("d" * 513)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.set_my_short_description("s" * 121, language_code="en")
    assert api.descriptions == {"fr": "d" * 512}
    assert api.short_descriptions == {"": "s" * 120}
    assert await bot.set_my_description("", language_code="fr")  # empty: removed
    assert api.descriptions == {}


async def test_methods_the_bot_never_calls_do_not_exist(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(InvalidToken):  # PTB reads 404 as a bad token
        await bot.delete_message(CHAT, 1)
    assert api.calls[-1].status == 404


async def test_html_parse_mode_yields_text_and_entities(bot: Bot) -> None:
    message = await bot.send_message(
        CHAT, "<b>Bonjour</b> Marie &amp; co", parse_mode=ParseMode.HTML
    )

    assert message.text == "Bonjour Marie & co"
    assert message.entities == (MessageEntity(MessageEntity.BOLD, 0, 7),)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(CHAT, "<blink>non</blink>", parse_mode=ParseMode.HTML)


async def test_fail_next_429_raises_retry_after(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=429, retry_after=3)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "un")
    assert caught.value.retry_after == dt.timedelta(seconds=3)
    assert api.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert (await bot.send_message(CHAT, "deux")).text == "deux"
    assert [m.text for m in api.sent_to(CHAT)] == ["deux"]


async def test_fail_next_403_and_500(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("SENDMESSAGE", status=403, chat_id=CHAT)

    assert (await bot.send_message(CHAT + 1, "autre")).text == "autre"  # 403 is for CHAT only
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "un")
    api.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(CHAT, "deux")
    assert (await bot.send_message(CHAT, "trois")).text == "trois"


async def test_blocked_user_gets_403_until_unblocked(api: FakeBotApi, bot: Bot) -> None:
    api.block(CHAT)
    with pytest.raises(Forbidden):
        await bot.send_message(CHAT, "rappel")
    api.unblock(CHAT)
    assert (await bot.send_message(CHAT, "rappel")).text == "rappel"


async def test_delay_next_makes_the_client_time_out(api: FakeBotApi, bot: Bot) -> None:
    api.delay_next("sendMessage", 0.4)
    since = len(api.calls)

    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "lent", read_timeout=0.1)
    calls = await api.wait_for_replies(CHAT, since=since, quiet=0.01, timeout=3)
    assert calls[0].ok  # Telegram may still deliver what the client gave up on
    assert api.sent_to(CHAT)[0].text == "lent"


async def test_rate_limits_answer_429(api: FakeBotApi, bot: Bot) -> None:
    api.limits(global_per_second=None, per_chat_per_second=1)

    await bot.send_message(CHAT, "un")
    await bot.send_message(CHAT + 1, "autre chat")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "deux")
    assert caught.value.retry_after == dt.timedelta(seconds=1)
    assert api.rejected_429 == 1
    api.limits(None, None)
    await bot.send_message(CHAT, "trois")
    assert api.rejected_429 == 1


async def test_edits_and_documents_count_against_the_limits(api: FakeBotApi, bot: Bot) -> None:
    api.limits(global_per_second=None, per_chat_per_second=1)
    question = await bot.send_message(CHAT, "C'est bien ça ?")
    with pytest.raises(RetryAfter):  # taking the buttons away is an edit Telegram counts
        await bot.edit_message_reply_markup(CHAT, question.message_id, reply_markup=None)
    with pytest.raises(RetryAfter):
        await bot.send_document(CHAT, b"BEGIN:VCALENDAR", filename="atelier.ics")
    assert api.rejected_429 == 2


async def test_webhook_blocks_get_updates(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)HTTPS URL"):
        await bot.set_webhook("http://example.org/hook")
    assert await bot.set_webhook("https://example.org/hook")
    assert api.webhook_url == "https://example.org/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_wait_for_replies_times_out_with_a_dump(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(CHAT + 1, "ailleurs")

    with pytest.raises(AssertionError, match=r"did not reply to chat 4242(.|\n)*ailleurs"):
        await api.wait_for_replies(CHAT, since=0, timeout=0.2)


async def test_stop_ends_a_pending_long_poll_quickly() -> None:
    server = FakeBotApi()
    await server.start()
    async with Bot(server.token, base_url=server.base_url) as client:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        await server.wait_for_call("getMe")
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await server.stop()
        assert await poll == ()
    assert time.monotonic() - started < 2


async def test_application_echo_with_fake_user(api: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"Écho : {update.message.text}")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(
            f"Code {context.args[0] if context.args else '-'} ?",
            reply_markup=keyboard(("Oui, je viens", "come"), ("Non merci", "skip")),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Choix : {query.data}")

    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    marie = api.user(CHAT)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0)
        try:
            (reply,) = await marie.say("bonjour")
            assert reply.text == "Écho : bonjour"
            (question,) = await marie.say("/start s12")
            assert question.text == "Code s12 ?"
            assert marie.buttons() == ["Oui, je viens", "Non merci"]
            with pytest.raises(AssertionError, match="'peut-être' matches no button"):
                await marie.press("peut-être")
            (edited,) = await marie.press("oui")
            assert edited.message_id == question.message_id
            assert edited.text == "Choix : come"
            assert edited.buttons == []
            assert marie.last == edited
            assert api.unanswered_queries() == []
        finally:
            await app.updater.stop()
            await app.stop()
    assert not api.errors

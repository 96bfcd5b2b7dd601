"""A loopback fake of the Telegram Bot API HTTP server, for tests and benchmarks.

The real python-telegram-bot client talks to it over HTTP on 127.0.0.1::

    async with FakeBotApi() as api:
        bot = telegram.Bot(api.token, base_url=api.base_url)
        marie = api.user(42)
        replies = await marie.say("Bonjour")

It follows the documented Bot API (https://core.telegram.org/bots/api): the response envelope,
object shapes, getUpdates offsets and long polling, case-insensitive method names, parameters
as JSON, query string, urlencoded or multipart forms, and Telegram's limits. Only the methods
the bot calls exist. The parts: ``wire`` (format and parsing), ``server`` (HTTP, hooks,
inspection), ``methods``, ``store`` (chats and messages), ``updates`` (what people do, the
getUpdates queue), ``faults`` (errors, delays, flood limits), ``fake_user``, ``waiting``.
"""

from testkit.bot_api.fake_user import FakeUser
from testkit.bot_api.methods import (
    COMMAND_DESCRIPTION_MAX,
    COMMAND_NAME,
    DESCRIPTION_MAX,
    SHORT_DESCRIPTION_MAX,
)
from testkit.bot_api.records import BotMessage, Call
from testkit.bot_api.server import FakeBotApi
from testkit.bot_api.wire import (
    JSON,
    LIMITED_METHODS,
    MESSAGE_METHODS,
    REPLY_METHODS,
    UploadedFile,
)

__all__ = [
    "COMMAND_DESCRIPTION_MAX",
    "COMMAND_NAME",
    "DESCRIPTION_MAX",
    "JSON",
    "LIMITED_METHODS",
    "MESSAGE_METHODS",
    "REPLY_METHODS",
    "SHORT_DESCRIPTION_MAX",
    "BotMessage",
    "Call",
    "FakeBotApi",
    "FakeUser",
    "UploadedFile",
]

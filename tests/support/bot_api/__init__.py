"""The loopback fake of the Telegram Bot API: see ``testkit.bot_api`` (the benchmarks use
it too); the tests import it here."""

from testkit.bot_api import *  # noqa: F403

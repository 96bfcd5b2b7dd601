"""What the tests and the benchmarks share: loopback fakes of the services outside the
machine (Telegram's Bot API, Meta's Graph API), sample data and the booking invariants.

Not part of the bot: it is not installed, and nothing under bot/, core/, handlers/ or
models/ imports it. The tests import it through ``tests/support/``.
"""

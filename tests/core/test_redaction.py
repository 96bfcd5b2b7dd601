"""No phone number or e-mail reaches a log or ``outbox.last_error``.

Provider errors that repeat the number (fake Twilio on loopback), and database errors
whose failed statement carried the number (a real IntegrityError, a real
OperationalError), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.runtime import Runtime
from core.clock import FixedClock
from core.redact import RedactingFilter, redact
from models import Database, OutboxMessage, OutboxStatus, Person
from tests.bot.channels.test_sms import MARIE, SID, TOKEN, SmsBot, sms_settings
from tests.support.factories import NOW, make_settings
from tests.support.hostile_texts import hostile_texts
from tests.support.sms_providers import FakeTwilio

DIGITS = "12345678"  # what every spelling of MARIE's number contains
EMAIL = "marie.dupont@example.org"


def assert_no_address(text: str) -> None:
    assert DIGITS not in text.replace(" ", "").replace(".", ""), text
    assert EMAIL not in text, text


@pytest.fixture
async def bot(database_url: str, clock: FixedClock) -> AsyncIterator[tuple[SmsBot, FakeTwilio]]:
    async with FakeTwilio(SID, TOKEN) as fake:
        settings = make_settings(
            database_url, **sms_settings(database_url, "twilio", fake.base_url)
        )
        runtime = Runtime(settings, clock)
        await runtime.start()
        async with httpx.AsyncClient() as client:
            yield SmsBot(runtime, client, "twilio"), fake
        await runtime.stop()


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.execute(select(OutboxMessage))).scalars())


async def wait_until_done(db: Database, count: int) -> list[OutboxMessage]:
    async with asyncio.timeout(5):
        while True:
            found = await rows(db)
            marked = [row for row in found if row.last_error is not None]
            if len(marked) >= count:
                return marked
            await asyncio.sleep(0.05)


async def test_a_provider_error_repeating_the_number_is_neither_logged_nor_stored(
    bot: tuple[SmsBot, FakeTwilio], caplog: pytest.LogCaptureFixture
) -> None:
    phone, twilio = bot
    caplog.set_level(logging.INFO)
    refusal = (
        "Permission to send an SMS has not been enabled for the region indicated by the "
        f"'To' number: {MARIE}. Questions: {EMAIL}"
    )
    twilio.fail_next(400, {"code": 21408, "message": refusal})
    await phone.post_twilio(MARIE, "bonjour")
    twilio.fail_next(503, {"message": f"Queue full for 06 12 34 56 78 ({EMAIL})"})
    await phone.post_twilio("+33698765432", "bonjour")
    marked = await wait_until_done(phone.runtime.db, 2)
    errors = [row.last_error or "" for row in marked]
    for error in errors:
        assert_no_address(error)
    assert any("21408" in error and "[number]" in error for error in errors)
    assert any("503" in error for error in errors)
    assert {row.status for row in marked} == {OutboxStatus.FAILED, OutboxStatus.PENDING}
    assert "not delivered" in caplog.text
    assert_no_address(caplog.text)


async def test_atelier_outbox_shows_no_number(
    bot: tuple[SmsBot, FakeTwilio], database_url: str
) -> None:
    phone, twilio = bot
    twilio.fail_next(400, {"code": 21408, "message": f"Not allowed for {MARIE}"})
    await phone.post_twilio(MARIE, "bonjour")
    await wait_until_done(phone.runtime.db, 1)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "outbox",
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    shown = out.decode()
    assert process.returncode == 0, shown
    assert "21408" in shown
    assert_no_address(shown)


async def test_a_failed_statement_does_not_show_the_number(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    person = {"channel": "sms", "external_id": MARIE, "name": "Marie Dupont"}
    async with db.transaction() as session:
        session.add(Person(**person, created_at=NOW, last_seen_at=NOW))
    with pytest.raises(IntegrityError) as raised:
        async with db.transaction() as session:
            session.add(Person(**person, created_at=NOW, last_seen_at=NOW))
    logging.getLogger("atelier.test").error("conflict", exc_info=raised.value)
    assert_no_address(str(raised.value))
    assert "Marie Dupont" not in str(raised.value)
    assert_no_address(caplog.text)


async def test_a_database_failure_while_taking_a_text_logs_no_number(
    bot: tuple[SmsBot, FakeTwilio], caplog: pytest.LogCaptureFixture
) -> None:
    phone, _ = bot
    caplog.set_level(logging.INFO)
    async with phone.runtime.db.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE people RENAME TO people_away"))
    answer = await phone.post_twilio(MARIE, "bonjour")
    assert answer.status_code == 503
    assert "database unavailable" in caplog.text
    assert "people" in caplog.text  # the failed statement is there, its parameters are not
    assert_no_address(caplog.text)


def test_the_log_filter_redacts_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("atelier.redaction-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"refused {MARIE}")
        except ValueError:
            logger.exception("sending to %s failed (%s)", "06.12.34.56.78", EMAIL)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "sending to [number] failed ([e-mail])" in written
    assert "ValueError: refused [number]" in written
    assert_no_address(written)


@pytest.mark.parametrize(
    "kept",
    [
        "outbox row 12 not delivered: 500",
        "SM00000000000000000000000000000001",
        "code 21610, retry after 5 s",
        "at 09:00:00 on 2027-01-05",
    ],
)
def test_what_is_not_an_address_is_kept(kept: str) -> None:
    assert redact(kept) == kept


def test_a_megabyte_of_hostile_text_is_redacted_at_once() -> None:
    """What is logged is never cut: an address after a megabyte is still found, quickly."""
    started = time.perf_counter()
    for name, hostile in hostile_texts().items():
        redacted = redact(f"{hostile} {EMAIL} {MARIE}")
        assert redacted.endswith(" [e-mail] [number]"), name
    assert time.perf_counter() - started < 60  # a few seconds at most; it was hours

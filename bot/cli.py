"""The `atelier` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot import cli_organisers
from core.config import Settings
from core.redact import RedactingFilter


def _configure_logging(level: str, log_format: str = "text") -> None:
    """Plain lines for a terminal; one JSON object per line (LOG_FORMAT=json) for a collector."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())  # no phone number or e-mail in any log line
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", timestamp=True)
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.Updater", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


async def _phone_demo(settings: Settings, db_path: str) -> None:
    from bot.channels.voice.terminal import espeak, keyboard, play
    from bot.demo_data import sample_rows
    from bot.runtime import Services
    from core.schedule.importer import import_rows
    from handlers.voice.line import PhoneLine

    await asyncio.to_thread(Path(db_path).unlink, missing_ok=True)
    demo_settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{db_path}"})
    services = Services(demo_settings)
    await services.migrate()
    async with services.db.transaction() as session:
        await import_rows(session, sample_rows(services.clock.now(), demo_settings.zone))
    line = PhoneLine(services.db, demo_settings, services.clock)
    print("Type a key (1, 2, 9, 0...) then Enter; an empty line is a silence; Ctrl-D hangs up.\n")
    try:
        await play(line, keyboard, speak=espeak())
    finally:
        await services.close()


async def _demo(settings: Settings, db_path: str) -> None:
    from bot.channels.console import Console
    from bot.demo_data import sample_rows
    from bot.runtime import Services
    from core.schedule.importer import import_rows

    await asyncio.to_thread(Path(db_path).unlink, missing_ok=True)
    demo_settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{db_path}"})
    services = Services(demo_settings)
    await services.migrate()
    async with services.db.transaction() as session:
        await import_rows(session, sample_rows(services.clock.now(), demo_settings.zone))
    console = Console(
        services.conversations.handle, services.engine.tick, language=settings.default_language
    )
    services.engine.deliverers[console.name] = console.deliverer()
    try:
        await console.run()
    finally:
        await services.close()


async def _run(settings: Settings, *, telegram: bool = True) -> None:
    from bot.runtime import Runtime

    await Runtime(settings, telegram_enabled=telegram).run_forever()


@asynccontextmanager
async def transaction(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A migrated database and one transaction on it, closed afterwards."""
    from models import Database
    from models.migrate import upgrade

    await asyncio.to_thread(upgrade, settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            yield session
    finally:
        await db.dispose()


async def _import(settings: Settings, path: Path) -> int:
    from core.clock import SystemClock
    from core.schedule.importer import MAX_FILE_BYTES, ImportReport, import_rows, read_schedule
    from core.seats.organisations import Actor, record

    def read_head() -> bytes:
        """The file, or enough of it to see it is too big (never a whole huge file)."""
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)

    try:
        content = await asyncio.to_thread(read_head)
    except OSError as error:
        print(f"Cannot read {path}: {error.strerror}.", file=sys.stderr)
        return 1
    rows, errors = await read_schedule(content, settings.zone)  # no transaction held meanwhile
    if errors:
        report = ImportReport(errors=errors)
    else:
        async with transaction(settings) as session:
            report = await import_rows(session, rows)
            if not report.errors:
                counts = f"{report.created} created, {report.updated} updated"
                await record(
                    session,
                    Actor(cli_organisers.COMMAND_LINE),
                    "import",
                    SystemClock().now(),
                    detail=counts,
                )
    if report.errors:
        print(f"Nothing imported: {len(report.errors)} problem(s) in {path}.", file=sys.stderr)
        for problem in report.errors:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged.")
    for kept in report.capacity_kept:
        print(f"  {kept}")
    return 0


async def _sessions(settings: Settings) -> int:
    from core.clock import SystemClock
    from core.formatting import when_in_words
    from core.i18n import Translator
    from core.seats.catalog import upcoming_with_waiting

    t = Translator(settings.default_language)
    async with transaction(settings) as session:
        rows = await upcoming_with_waiting(session, SystemClock().now())
    for workshop, waiting in rows:
        print(
            f"{workshop.id}\t{workshop.title} | "
            f"{when_in_words(workshop.starts_at, settings.zone, t)} | "
            f"{workshop.seats_taken}/{workshop.capacity} taken | {waiting} waiting"
        )
    return 0


async def _roster(
    settings: Settings, session_id: int, form: str = "csv", output: Path | None = None
) -> int:
    from core.schedule.exports import csv_text, xlsx_bytes
    from core.seats.roster import ROSTER_COLUMNS, roster_rows

    if form == "xlsx" and output is None:
        print("--format xlsx writes a file: give it with --output FILE.", file=sys.stderr)
        return 2
    async with transaction(settings) as session:
        rows = await roster_rows(session, session_id, settings.zone)
    if rows is None:
        print(f"No session with id {session_id}.", file=sys.stderr)
        return 1
    try:
        if form == "xlsx" and output is not None:
            await asyncio.to_thread(output.write_bytes, xlsx_bytes(ROSTER_COLUMNS, rows))
        elif output is not None:
            text = csv_text(ROSTER_COLUMNS, rows)
            await asyncio.to_thread(output.write_text, text, encoding="utf-8", newline="")
        else:
            sys.stdout.write(csv_text(ROSTER_COLUMNS, rows))
    except OSError as error:
        print(f"Cannot write {output}: {error.strerror}.", file=sys.stderr)
        return 1
    return 0


async def _publish(settings: Settings, output: Path | None) -> int:
    from bot.web.published import as_json, published_document
    from core.clock import SystemClock
    from models import Database
    from models.migrate import upgrade

    await asyncio.to_thread(upgrade, settings.database_url)
    db = Database(settings.database_url)
    try:
        document = await published_document(
            db, settings, SystemClock().now(), settings.telegram_bot_username or None
        )
    finally:
        await db.dispose()
    if output is None:
        sys.stdout.buffer.write(as_json(document) + b"\n")
        return 0
    try:
        await asyncio.to_thread(output.write_bytes, as_json(document) + b"\n")
    except OSError as error:
        print(f"Cannot write {output}: {error.strerror}.", file=sys.stderr)
        return 1
    return 0


PERSONAL_COPIES = (
    "Copies hold personal data (names, chat ids, phone numbers, messages). "
    "Each day, the bot erases in its own copies everyone erased since: the daily copies in "
    "BACKUP_DIR and the .before-restore file; both are deleted after BACKUP_DAYS days, and "
    "an interrupted copy's temporary file after an hour. Any other copy is yours to keep "
    "safe and delete."
)


def _backup(settings: Settings, target: Path) -> int:
    from core.schedule.backup import NotABackup, backup, sqlite_file

    source = sqlite_file(settings.database_url)
    if source is None:
        print(
            "DATABASE_URL is not a SQLite file: for PostgreSQL, use pg_dump (see the README).",
            file=sys.stderr,
        )
        return 1
    try:
        backup(source, target)
    except FileNotFoundError:
        print(f"No database at {source}.", file=sys.stderr)
        return 1
    except (OSError, NotABackup, sqlite3.Error) as error:
        print(f"No backup written: {error}.", file=sys.stderr)
        return 1
    print(f"Backup of {source} written to {target}.")
    print(
        f"It holds personal data: keep it safe, delete it within {settings.backup_days} days. "
        "People erased later are not erased in it."
    )
    return 0


def _restore(settings: Settings, backup_file: Path) -> int:
    from core.clock import SystemClock
    from core.schedule.backup import NotABackup, restore, sqlite_file
    from core.schedule.backup_erasure import erase_in_copy, erased_in

    database = sqlite_file(settings.database_url)
    if database is None:
        print(
            "DATABASE_URL is not a SQLite file: for PostgreSQL, use pg_restore (see the README).",
            file=sys.stderr,
        )
        return 1
    now, offer = SystemClock().now(), settings.offer_expiry_minutes

    def keep_erasures(ready: Path) -> None:
        """Whoever was erased in the database being replaced stays erased."""
        if not database.is_file():
            return
        try:
            erased = erased_in(database)
        except sqlite3.DatabaseError:
            print(
                f"{database} cannot be read: check that nobody erased since this backup "
                "is back in it.",
                file=sys.stderr,
            )
            return
        if erase_in_copy(erased, ready, now, offer):
            print("People erased since this backup are erased in it too.")

    try:
        kept = restore(backup_file, database, prepare=keep_erasures)
    except NotABackup as error:
        print(f"Nothing restored: {error}.", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:
        print(f"Nothing restored: {error}.", file=sys.stderr)
        return 1
    print(f"{backup_file} restored to {database}.")
    if kept is not None:
        print(
            f"The database it replaced is kept as {kept}. It holds personal data; "
            f"atelier deletes it after {settings.backup_days} days."
        )
    return 0


async def _outbox(settings: Settings) -> int:
    from core.outbox import queue as outbox
    from models import OutboxStatus

    async with transaction(settings) as session:
        counts = await outbox.status_counts(session)
        queued = await outbox.upcoming(session)
        failed = await outbox.recent_failures(session)
    month = datetime.now(settings.zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    async with transaction(settings) as session:
        billed = await outbox.segments_since(session, month)
    print(" | ".join(f"{status}: {counts.get(status, 0)}" for status in OutboxStatus))
    print(f"SMS segments sent this month: {billed}")
    for row in queued:
        due = row.due_at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
        print(f"queued\t{row.id}\t{row.kind}\tdue {due}\tperson {row.person_id}")
    for row in failed:
        print(f"failed\t{row.id}\t{row.kind}\t{row.attempts} attempts\t{row.last_error}")
    return 0


async def _change(settings: Settings, session_id: int, new_start: str | None) -> int:
    """Cancel a session (``new_start`` None) or move it; everyone on it is told."""
    from core.clock import SystemClock
    from core.errors import BookingError
    from core.schedule.importer import parse_local_start
    from core.seats.organisations import Actor, record
    from core.seats.session_changes import cancel_session, move_session

    now = SystemClock().now()
    try:
        async with transaction(settings) as session:
            if new_start is None:
                told = await cancel_session(session, session_id, now)
            else:
                start = parse_local_start(new_start, settings.zone)
                told = await move_session(
                    session,
                    session_id,
                    start,
                    now,
                    zone=settings.zone,
                    at=settings.reminder_time,
                    days_before=tuple(settings.reminder_days_before),
                )
            action = "cancel" if new_start is None else "move"
            await record(
                session,
                Actor(cli_organisers.COMMAND_LINE),
                action,
                now,
                session_id,
                new_start or "",
            )
    except (BookingError, ValueError) as error:
        print(f"Session {session_id} not changed: {_why(error)}", file=sys.stderr)
        return 1
    done = "cancelled" if new_start is None else f"moved to {new_start}"
    print(f"Session {session_id} {done}; {told} people will be told.")
    return 0


def _hash_password() -> int:
    """Print the Argon2 hash of a password typed without echo (or piped on stdin)."""
    import getpass

    from bot.web.passwords import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Dashboard password: ")
        if getpass.getpass("Same password again: ") != password:
            print("The two passwords differ; nothing printed.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        print(hash_password(password))
    except ValueError as error:
        print(f"No hash: {error}.", file=sys.stderr)
        return 1
    return 0


def _whatsapp_templates() -> int:
    """Print the WhatsApp templates, every language, as Meta's template API takes them."""
    import json

    from bot.channels.whatsapp.templates import all_definitions

    print(json.dumps(all_definitions(), ensure_ascii=False, indent=2))
    return 0


def _why(error: Exception) -> str:
    from core.errors import SessionCancelled, SessionPast, UnknownSession

    reasons: dict[type[Exception], str] = {
        UnknownSession: "there is no such session",
        SessionCancelled: "it is cancelled",
        SessionPast: "it has started, or the new time is past",
    }
    return reasons.get(type(error), str(error))


def _understand(language: str | None, explain: bool = False, screen: str | None = None) -> int:
    """One JSON reading per line of standard input, in the same order; with ``explain``, the
    component that decided it (``by``) and every one that proposed or changed it (``trail``);
    with ``screen`` ("list:5", "yesno", "card"...), as read on such a screen."""
    from core.understanding.intents import read
    from core.understanding.screens import Screen, read_on

    shown_on = Screen.parse(screen) if screen else None
    out = sys.stdout
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        reading = read(text, language) if shown_on is None else read_on(text, shown_on, language)
        shown = reading.explained() if explain else reading.as_json()
        out.write(json.dumps(shown, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    top = argparse.ArgumentParser(prog="atelier", description="Workshop sign-up chatbot.")
    commands = top.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="chat in the terminal on sample Metz workshops")
    demo.add_argument("--db", default="atelier-demo.db", help="SQLite file for the demo")
    demo.add_argument(
        "--phone", action="store_true", help="play the phone line: hear it, answer with keys"
    )
    commands.add_parser(
        "run", help="run the bot: Telegram, and SMS when set up (the demo when neither is)"
    )
    commands.add_parser(
        "serve", help="run the HTTP server alone (SMS webhooks, dashboard), with the sender"
    )
    imp = commands.add_parser("import", help="load sessions from a CSV, .xlsx or .ods file")
    imp.add_argument("file", type=Path)
    commands.add_parser("sessions", help="list upcoming sessions")
    commands.add_parser("outbox", help="what is queued, sent and failed")
    roster = commands.add_parser("roster", help="a session's bookings as CSV or .xlsx")
    roster.add_argument("session_id", type=int)
    roster.add_argument("--format", choices=["csv", "xlsx"], default="csv", dest="form")
    roster.add_argument("--output", type=Path, help="write to this file (needed for xlsx)")
    cancel = commands.add_parser("cancel", help="cancel a session and tell everyone on it")
    cancel.add_argument("session_id", type=int)
    move = commands.add_parser("move", help="move a session and tell everyone on it")
    move.add_argument("session_id", type=int)
    move.add_argument("starts_at", help="new local start, like 2027-01-08T14:00")
    publish = commands.add_parser(
        "publish",
        help="write the upcoming workshops for the digital-inclusion map (JSON)",
        description=(
            "Write the organisation and its upcoming workshops in the data-inclusion schema "
            "(v1) as one JSON object with structures and services. No personal data."
        ),
    )
    publish.add_argument("format", choices=["data-inclusion"])
    publish.add_argument("--output", type=Path, help="write to this file (default: the screen)")
    commands.add_parser(
        "hash-password",
        help="print the hash of the dashboard password, for DASHBOARD_PASSWORD_HASH",
    )
    backup = commands.add_parser(
        "backup",
        help="copy the SQLite database, even while it runs",
        description=f"Copy the SQLite database, even while the bot runs. {PERSONAL_COPIES}",
    )
    backup.add_argument("file", type=Path)
    restore = commands.add_parser(
        "restore",
        help="put a backup back as the SQLite database (stop the bot first)",
        description=(
            "Put a backup back as the SQLite database (stop the bot first). The backup is "
            "brought up to date and checked beside the database, which is replaced only "
            "then; people erased in the database stay erased. " + PERSONAL_COPIES
        ),
    )
    restore.add_argument("file", type=Path)
    commands.add_parser(
        "whatsapp-templates",
        help="print the WhatsApp message templates (JSON for Meta's template API)",
    )
    understand = commands.add_parser(
        "understand", help="read messages on standard input, print what the bot reads (JSON)"
    )
    understand.add_argument("--language", choices=["fr", "en", "ar", "tr"], default=None)
    understand.add_argument(
        "--explain",
        action="store_true",
        help="add the component that decided each reading (by) and the ones before it (trail)",
    )
    understand.add_argument(
        "--screen",
        default=None,
        metavar="KIND",
        help="read as on a screen that expects KIND: list:N, yesno, card, name, phone, text",
    )
    cli_organisers.add_parser(commands)
    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", default=None)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    args = parser().parse_args(argv)
    if args.command == "hash-password":
        return _hash_password()
    if args.command == "whatsapp-templates":
        return _whatsapp_templates()
    if args.command == "understand":
        return _understand(args.language, args.explain, args.screen)
    settings = Settings()
    level = settings.log_level if args.command in ("run", "serve") else "WARNING"
    _configure_logging(level, settings.log_format)
    served = (
        bool(settings.sms_provider)
        or settings.dashboard_enabled
        or settings.whatsapp_enabled
        or settings.voice_enabled
    )
    nothing_to_run = settings.telegram_bot_token is None and not served
    if args.command == "demo" and args.phone:
        asyncio.run(_phone_demo(settings, args.db))
        return 0
    if args.command == "demo" or (args.command == "run" and nothing_to_run):
        if args.command == "run":
            print("No TELEGRAM_BOT_TOKEN: starting the terminal demo instead.\n")
        asyncio.run(_demo(settings, getattr(args, "db", "atelier-demo.db")))
        return 0
    if args.command in ("run", "serve"):
        if args.command == "serve" and not served:
            print(
                "Nothing to serve: set SMS_PROVIDER (twilio or android), "
                "WHATSAPP_ACCESS_TOKEN, TWILIO_VOICE_NUMBER or DASHBOARD_PASSWORD_HASH.",
                file=sys.stderr,
            )
            return 1
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_run(settings, telegram=args.command == "run"))
        return 0
    if args.command == "import":
        return asyncio.run(_import(settings, args.file))
    if args.command == "sessions":
        return asyncio.run(_sessions(settings))
    if args.command == "outbox":
        return asyncio.run(_outbox(settings))
    if args.command == "roster":
        return asyncio.run(_roster(settings, args.session_id, args.form, args.output))
    if args.command == "publish":
        return asyncio.run(_publish(settings, args.output))
    if args.command == "backup":
        return _backup(settings, args.file)
    if args.command == "restore":
        return _restore(settings, args.file)
    if args.command == "organisers":
        return cli_organisers.run(settings, args)
    if args.command in ("cancel", "move"):
        return asyncio.run(_change(settings, args.session_id, getattr(args, "starts_at", None)))
    from models.migrate import downgrade, upgrade

    if args.action == "upgrade":
        upgrade(settings.database_url, args.revision or "head")
    else:
        downgrade(settings.database_url, args.revision or "-1")
    print(f"Database {args.action} done.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

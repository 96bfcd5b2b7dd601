"""`atelier organisers add|list|remove`: the organisers' own logins, per organisation."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from core.config import Settings

COMMAND_LINE = "command-line"
"""The actor recorded for changes made with the `atelier` command."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `organisers` command and its three actions."""
    organisers = commands.add_parser(
        "organisers",
        help="organisers' own dashboard logins, per organisation",
        description=(
            "Each organiser logs in to the dashboard with their e-mail and password and sees "
            "only their organisation's sessions (--network: every organisation's). Once one "
            "exists, the shared DASHBOARD_PASSWORD_HASH no longer opens the dashboard."
        ),
    )
    actions = organisers.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="add an organiser; the password is read from standard input"
    )
    add.add_argument("email")
    add.add_argument(
        "--organisation", required=True, help="its name (the organisation is added if new)"
    )
    add.add_argument("--network", action="store_true", help="sees every organisation")
    add.add_argument(
        "--telegram-id", type=int, default=None, help="their Telegram user id (organiser menu)"
    )
    add.add_argument("--kind", default="", help="shop, library, association, France Services")
    actions.add_parser("list", help="every organiser, with their organisation")
    remove = actions.add_parser("remove", help="end an organiser's login (the record stays)")
    remove.add_argument("email")


def _password() -> str | None:
    """The password typed twice without echo, or the first line piped on standard input."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Same password again: ") != password:
            print("The two passwords differ; nobody added.", file=sys.stderr)
            return None
        return password
    return sys.stdin.readline().rstrip("\r\n")


async def _add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import transaction
    from bot.web.passwords import hash_password
    from core.clock import SystemClock
    from core.seats.organisations import add_organiser
    from models import Organisation

    password = _password()
    if password is None:
        return 1
    try:
        password_hash = await asyncio.to_thread(hash_password, password)
    except ValueError as error:
        print(f"Nobody added: {error}.", file=sys.stderr)
        return 1
    if "@" not in args.email or not args.organisation.strip():
        print("Nobody added: give an e-mail address and an organisation name.", file=sys.stderr)
        return 1
    try:
        async with transaction(settings) as session:
            organiser = await add_organiser(
                session,
                args.email,
                password_hash,
                args.organisation,
                SystemClock().now(),
                network=args.network,
                telegram_id=args.telegram_id,
            )
            organisation = await session.get_one(Organisation, organiser.organisation_id)
            if args.kind and not organisation.kind:
                organisation.kind = args.kind[:64]
            name = organisation.name
    except ValueError as error:
        print(f"Nobody added: {error}.", file=sys.stderr)
        return 1
    reach = "every organisation" if args.network else f"{name} only"
    print(f"{organiser.email} added: sees {reach}.")
    return 0


async def _list(settings: Settings) -> int:
    from bot.cli import transaction
    from core.seats.organisations import organisers_with_organisation

    async with transaction(settings) as session:
        rows = await organisers_with_organisation(session)
    if not rows:
        print("No organiser: the shared DASHBOARD_PASSWORD_HASH opens the dashboard.")
    for organiser, organisation in rows:
        telegram = f"\ttelegram {organiser.telegram_id}" if organiser.telegram_id else ""
        network = "\tnetwork" if organiser.network else ""
        print(f"{organiser.email}\t{organisation.name}{network}{telegram}")
    return 0


async def _remove(settings: Settings, email: str) -> int:
    from bot.cli import transaction
    from core.seats.organisations import remove_organiser

    async with transaction(settings) as session:
        removed = await remove_organiser(session, email)
    if not removed:
        print(f"No organiser {email.strip().lower()}.", file=sys.stderr)
        return 1
    print(f"{email.strip().lower()} removed: their login no longer opens the dashboard.")
    return 0


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `atelier organisers ...`; return the exit status."""
    if args.action == "add":
        return asyncio.run(_add(settings, args))
    if args.action == "list":
        return asyncio.run(_list(settings))
    return asyncio.run(_remove(settings, args.email))

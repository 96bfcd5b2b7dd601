"""The `atelier` command line, run as a real process on a real SQLite file."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.factories import DATA

HEADER = "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"


def atelier(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "TELEGRAM_BOT_TOKEN": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, input=stdin, timeout=60,
        check=False,
    )  # fmt: skip


def upcoming_csv(tmp_path: Path) -> Path:
    soon = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT14:00")
    later = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%dT10:00")
    path = tmp_path / "upcoming.csv"
    path.write_text(
        HEADER
        + f'Prendre en main son smartphone,Les bases,seniors,{soon},120,8,Boutique,"Metz"\n'
        + f"Protéger ses données,Les réflexes,tous,{later},90,12,Boutique,Metz\n",
        encoding="utf-8",
    )
    return path


def test_import_twice_changes_nothing(tmp_path: Path) -> None:
    first = atelier(tmp_path, "import", str(DATA / "metz-workshops.csv"))
    second = atelier(tmp_path, "import", str(DATA / "metz-workshops.csv"))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("8 created")
    assert second.stdout.startswith("0 created, 0 updated, 8 unchanged")


def test_a_bad_file_is_refused_with_line_numbers(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A,B,tous,2027-13-01T14:00,90,8,Boutique,Metz\n", encoding="utf-8")
    result = atelier(tmp_path, "import", str(bad))
    assert result.returncode == 1
    assert "Ligne 2 : Le début « 2027-13-01T14:00 » dans « starts_at »" in result.stderr
    assert "Nothing imported" in result.stderr


def test_sessions_lines_begin_with_the_id(tmp_path: Path) -> None:
    atelier(tmp_path, "import", str(upcoming_csv(tmp_path)))
    lines = atelier(tmp_path, "sessions").stdout.splitlines()
    assert len(lines) == 2
    first_id = lines[0].split()[0]
    assert first_id.isdigit()
    assert "Prendre en main son smartphone" in lines[0]
    assert "0/8" in lines[0]
    assert "0 waiting" in lines[0]


def test_roster_is_csv_with_name_channel_status(tmp_path: Path) -> None:
    atelier(tmp_path, "import", str(upcoming_csv(tmp_path)))
    session_id = atelier(tmp_path, "sessions").stdout.split()[0]
    result = atelier(tmp_path, "roster", session_id)
    assert result.returncode == 0, result.stderr
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert {"name", "channel", "status"} <= set(header)
    assert atelier(tmp_path, "roster", "9999").returncode == 1


def test_db_upgrade(tmp_path: Path) -> None:
    result = atelier(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.db").exists()


def test_demo_books_a_seat_in_the_terminal(tmp_path: Path) -> None:
    # welcome, list, first workshop, book, yes, my bookings, quit
    result = atelier(tmp_path, "demo", stdin="bonjour\n1\n1\n1\noui\nmes inscriptions\nquitter\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Bonjour" in out
    assert "C'est bien ça ?" in out
    assert "C'est réservé" in out
    assert "Votre place est réservée." in out
    assert "Au revoir" in out


def test_run_without_token_starts_the_demo(tmp_path: Path) -> None:
    result = atelier(tmp_path, "run", stdin="quitter\n")
    assert result.returncode == 0, result.stderr
    assert "No TELEGRAM_BOT_TOKEN" in result.stdout
    assert "Au revoir" in result.stdout


def book_through_the_flows(tmp_path: Path, session_id: str, who: str = "me") -> None:
    """Book in the demo's way: through the flows, from a terminal chat on the same file."""
    script = (
        "import asyncio\n"
        "from core.config import Settings\n"
        "from bot.runtime import Services\n"
        "from core.dialog import Incoming, Kind, Sender\n"
        "async def main():\n"
        "    core = Services(Settings())\n"
        f"    sender = Sender('console', {who!r}, 'Marie', 'fr')\n"
        f"    event = Incoming(sender, Kind.CHOICE, choice='by:{session_id}')\n"
        "    await core.conversations.handle(event)\n"
        "    await core.close()\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, check=True, timeout=60)


def test_outbox_shows_what_is_queued(tmp_path: Path) -> None:
    atelier(tmp_path, "import", str(upcoming_csv(tmp_path)))
    session_id = atelier(tmp_path, "sessions").stdout.split()[0]
    book_through_the_flows(tmp_path, session_id)
    result = atelier(tmp_path, "outbox")
    assert result.returncode == 0, result.stderr
    # Three days and one day before; the first is left out once its time has passed today.
    reminders = result.stdout.count("\treminder\tdue ")
    assert reminders in (1, 2)
    assert result.stdout.startswith(f"pending: {reminders} | sending: 0 | sent: 0 | failed: 0")


def test_move_then_cancel_a_session_queues_notices(tmp_path: Path) -> None:
    atelier(tmp_path, "import", str(upcoming_csv(tmp_path)))
    session_id = atelier(tmp_path, "sessions").stdout.split()[0]
    book_through_the_flows(tmp_path, session_id, "me")
    book_through_the_flows(tmp_path, session_id, "you")
    new_start = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT15:30")
    moved = atelier(tmp_path, "move", session_id, new_start)
    assert moved.returncode == 0, moved.stderr
    assert f"moved to {new_start}; 2 people will be told" in moved.stdout
    assert "15 h 30" in atelier(tmp_path, "sessions").stdout
    queued = atelier(tmp_path, "outbox").stdout
    assert queued.count("\tsession_moved\t") == 2
    # The new date's, three days and one day before for each; the old ones were dropped.
    assert queued.count("\treminder\t") == 4
    assert atelier(tmp_path, "move", session_id, "yesterday").returncode == 1
    cancelled = atelier(tmp_path, "cancel", session_id)
    assert cancelled.returncode == 0, cancelled.stderr
    assert "cancelled; 2 people will be told" in cancelled.stdout
    queued = atelier(tmp_path, "outbox").stdout
    assert queued.count("\tsession_cancelled\t") == 2
    assert "\treminder\t" not in queued
    again = atelier(tmp_path, "cancel", session_id)
    assert again.returncode == 1
    assert "it is cancelled" in again.stderr
    assert "no such session" in atelier(tmp_path, "cancel", "9999").stderr

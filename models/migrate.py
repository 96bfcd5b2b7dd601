"""Apply Alembic migrations from code (tests, `atelier db upgrade`, start-up)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

MIGRATION_LOCK = 0x61746C72  # "atlr"
"""The PostgreSQL advisory lock taken around migrations: two instances starting together
run them one after the other, and the second finds nothing left to do."""


def alembic_config(url: str) -> Config:
    """An Alembic configuration for ``url`` that needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``. Blocking: run it in a thread.

    On PostgreSQL the migrations run under :data:`MIGRATION_LOCK`, in one transaction.
    """
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Bring the database at ``url`` down to ``revision``. Blocking: run it in a thread."""
    command.downgrade(alembic_config(url), revision)


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def known_revisions() -> frozenset[str]:
    """Every schema revision this code's migrations know."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


def head_revision() -> str:
    """The latest schema revision."""
    head = _scripts().get_current_head()
    assert head is not None, "no migrations"
    return head

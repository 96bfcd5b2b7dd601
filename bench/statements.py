"""SQL statements counted while a benchmark's measured part runs, in every engine of the process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass(slots=True)
class Statements:
    """How many statements went to the database (BEGIN included where the driver sends it)."""

    count: int = 0

    def _seen(self, *_: Any) -> None:
        self.count += 1


@contextmanager
def counted() -> Iterator[Statements]:
    """Count every statement any engine of this process sends while the block runs."""
    statements = Statements()
    event.listen(Engine, "before_cursor_execute", statements._seen)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", statements._seen)

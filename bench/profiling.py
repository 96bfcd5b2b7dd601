"""Optional pyinstrument profiles of a benchmark's measured part, written to ``bench/profiles/``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROFILES = Path(__file__).resolve().parent / "profiles"
INTERVAL_SECONDS = 0.001


@contextmanager
def profiled(name: str, enabled: bool) -> Iterator[None]:
    """Profile the main thread's stacks (event loop included) while the block runs.

    Writes ``<name>.txt`` (the call tree), ``<name>.html`` and ``<name>.pyisession`` (for
    ``pyinstrument --load``) when ``enabled``; SQLite's
    own work, done in aiosqlite's thread, shows as time the event loop waits.
    """
    if not enabled:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=INTERVAL_SECONDS, async_mode="disabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        PROFILES.mkdir(exist_ok=True)
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        (PROFILES / f"{name}.txt").write_text(text, encoding="utf-8")
        (PROFILES / f"{name}.html").write_text(profiler.output_html(), encoding="utf-8")
        if profiler.last_session is not None:
            profiler.last_session.save(str(PROFILES / f"{name}.pyisession"))

"""Reading a schedule file in a process of its own, with a memory and a time limit.

A sheet's reader can ask for more memory than the machine has (a Rust allocation that
fails aborts the whole process) or take seconds of CPU: neither may happen in the bot's
process, whose event loop answers everyone. The work runs in a child forked from a
``forkserver`` (started once, with the importer loaded), under ``RLIMIT_AS``; the caller
awaits its answer on a pipe, and the child is killed when the time is up.

As with any ``multiprocessing`` start method but ``fork``, a script run as ``python
script.py`` that imports schedules must keep its top level under
``if __name__ == "__main__":`` (``atelier``, ``python -m bot`` and pytest do).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
MEMORY_BYTES = 512 * 2**20
SECONDS = 30.0
PRELOAD = ["core.schedule.importer"]


@dataclass(frozen=True, slots=True)
class Limits:
    """What one reading may take: address space of the child, and wall-clock time."""

    memory_bytes: int = MEMORY_BYTES
    seconds: float = SECONDS


class TooHeavy(RuntimeError):
    """The child ran out of its memory (or died without an answer)."""


class TooSlow(RuntimeError):
    """The child did not answer in time, and was killed."""


_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def _child(
    pipe: Connection, memory_bytes: int, work: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        outcome: tuple[str, object] = ("ok", work(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception:  # the parent raises it again, with the child's trace
        outcome = ("error", traceback.format_exc())
    try:
        pipe.send(outcome)
    except MemoryError:
        pipe.send(("memory", None))
    finally:
        pipe.close()


async def run_apart(work: Callable[..., T], *args: Any, limits: Limits = Limits()) -> T:
    """``work(*args)`` in a child process under ``limits``; :class:`TooHeavy` or
    :class:`TooSlow` when it goes beyond them. ``work`` must be a module's function."""
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(
        target=_child, args=(sender, limits.memory_bytes, work, args), daemon=True
    )
    try:
        await asyncio.to_thread(child.start)  # the first start also starts the forkserver
    finally:
        sender.close()
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(receiver.fileno(), wake)
    try:
        await asyncio.wait_for(readable, limits.seconds)
        kind, value = receiver.recv()
    except TimeoutError:
        raise TooSlow(limits.seconds) from None
    except EOFError:
        raise TooHeavy(limits.memory_bytes) from None
    finally:
        loop.remove_reader(receiver.fileno())
        receiver.close()
        if child.is_alive():
            child.kill()
        await asyncio.to_thread(child.join, 5)
    if kind == "memory":
        raise TooHeavy(limits.memory_bytes)
    if kind == "error":
        raise RuntimeError(f"reading the file failed in the worker:\n{value}")
    result: T = value
    return result

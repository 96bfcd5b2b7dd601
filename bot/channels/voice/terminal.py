"""The phone line in a terminal: what a caller would hear is printed (and spoken aloud with
espeak-ng when it is installed), and keys are typed on the keyboard.

An empty line is a silence; one digit is a key; anything else is taken as spoken words.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from handlers.voice.line import PhoneLine

DEMO_CALL = "CA" + "d" * 32
DEMO_NUMBER = "+33387000000"
"""A fixed line in Metz: the demo caller (no text is ever sent to it)."""

ESPEAK_VOICES = {"fr": "fr", "en": "en", "ar": "ar", "tr": "tr"}

Speak = Callable[[str, str], Awaitable[None]]


def espeak() -> Speak | None:
    """Say a sentence aloud with espeak-ng, if it is installed."""
    program = shutil.which("espeak-ng")
    if program is None:
        return None

    async def speak(sentence: str, language: str) -> None:
        process = await asyncio.create_subprocess_exec(
            program,
            "-v",
            ESPEAK_VOICES.get(language, "fr"),
            "-s",
            "140",
            sentence,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await process.wait()

    return speak


async def play(
    line: PhoneLine,
    read: Callable[[], str | None],
    out: TextIO = sys.stdout,
    speak: Speak | None = None,
) -> None:
    """One call, from the welcome to goodbye (or to the end of input)."""
    prompt = await line.answer(DEMO_CALL, DEMO_NUMBER)
    while True:
        for sentence in prompt.sentences:
            out.write(f"  « {sentence} »\n")
            out.flush()
            if speak is not None:
                await speak(sentence, prompt.language)
        if not prompt.listen:
            out.write("  (la ligne raccroche / the line hangs up)\n")
            return
        typed = await asyncio.to_thread(read)
        if typed is None:
            await line.hung_up(DEMO_CALL)
            return
        typed = typed.strip()
        digits = typed if len(typed) == 1 and typed in "0123456789*#" else ""
        speech = "" if digits else typed
        taken = await line.take(DEMO_CALL, prompt.turn, digits, speech)
        if taken is None:
            return
        prompt = taken


def keyboard() -> str | None:
    """A line typed on the keyboard (None at the end of input)."""
    try:
        return input("touche / key > ")
    except EOFError:
        return None

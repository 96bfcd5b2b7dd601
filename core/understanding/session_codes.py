"""A session's code, as posters print it: "ATELIER 12", to send by SMS or WhatsApp.

The code is read back forgivingly: any case, accents, a "#" or a dash, extra spaces.
(Telegram's deep link carries the same session as ``start=s12``.)
"""

from __future__ import annotations

import re
import unicodedata

WORD = "ATELIER"
_CODE = re.compile(r"^\s*+atelier\s*+(?:[-#n°:]\s*+)?(\d{1,9})\s*+(?:[.!]\s*+)?$", re.IGNORECASE)
"""No two runs of spaces side by side (``\\s*[.!]?\\s*`` shared each run between them in
every way, a cubic cost: "ATELIER", 65,536 spaces and a letter took over two minutes)."""
LONGEST = 64
"""A code with room for spaces around it: a longer text is never one."""


def code_for(session_id: int) -> str:
    """The code printed on the poster of ``session_id``."""
    return f"{WORD} {session_id}"


def session_id_in(text: str) -> int | None:
    """The session whose code ``text`` is, if it is one."""
    if len(text) > LONGEST:
        return None
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    match = _CODE.match(plain)
    return int(match.group(1)) if match else None

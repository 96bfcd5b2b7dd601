"""Text shown on the dashboard as typed by others, made safe to read."""

from __future__ import annotations

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
_REMOVE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def bidi_safe(text: str) -> str:
    """``text`` without bidirectional embedding, override and isolate characters.

    A name such as "\u202eenneiT" would otherwise show reversed and turn the rest of its
    table row around; the page wraps names in ``<bdi>`` instead.
    """
    return text.translate(_REMOVE)

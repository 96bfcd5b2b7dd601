"""Punctuation said aloud to a phone's dictation: "annuler ma place point", "virgule", "nokta".

Someone dictating says the marks ("virgule", "comma", "virgül", "point d'interrogation",
"question mark"); the phone writes them as words. They are written back as marks before
anything is read, so that "point" is never a French negation nor "virgule" a word of the
message. A full stop said aloud ("point", "full stop", "nokta") counts only at the end of the
message or before another mark, and not after an article ("faire le point").
"""

from __future__ import annotations

from core.understanding import word_lists
from core.understanding.normalising import bare

MARKS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        (
            (bare(phrase), mark)
            for idea, mark in (
                ("spoken_question_mark", "?"),
                ("spoken_comma", ","),
                ("spoken_full_stop", "."),
            )
            for phrase in word_lists.words(idea)
        ),
        key=lambda item: -len(item[0].split()),
    )
)
"""Each phrase said for a mark (its plain words) and the mark, the longest phrases first."""
FIRST_WORDS = frozenset(phrase.split()[0] for phrase, _ in MARKS)
"""The words a phrase said for a mark opens with: a message without any has none."""
NOT_AFTER = frozenset(bare(word) for word in word_lists.words("spoken_mark_not_after"))
"""Words after which "point" is a noun ("le point", "this point"), not a mark."""


def _match(plain: list[str], at: int) -> tuple[int, str] | None:
    """The length (in tokens) and mark of a phrase said for a mark starting at token ``at``
    ("d'interrogation" is one token of two plain words)."""
    for phrase, mark in MARKS:
        for size in range(1, len(phrase.split()) + 1):
            if " ".join(plain[at : at + size]) == phrase:
                return size, mark
    return None


def written_marks(text: str) -> str:
    """The text with the marks said aloud written as marks ("annuler ma place point" ->
    "annuler ma place."); a text without any is returned unchanged, and each line is read
    apart, so that a form's lines stay lines ("Full name: ...")."""
    if "\n" in text:
        return "\n".join(written_marks(line) for line in text.split("\n"))
    tokens = text.split()
    plain = [bare(token) for token in tokens]
    if FIRST_WORDS.isdisjoint(plain):
        return text
    out: list[str] = []
    at = 0
    while at < len(tokens):
        found = _match(plain, at) if out and plain[at - 1] not in NOT_AFTER else None
        if found is not None:
            size, mark = found
            rest = at + size
            ends = rest == len(tokens) or _match(plain, rest) is not None
            if mark != "." or ends:
                out[-1] += mark
                at = rest
                continue
        out.append(tokens[at])
        at += 1
    return " ".join(out)

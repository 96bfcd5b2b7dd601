"""Build ``core/understanding/data/sound_alikes.txt``: the frequent French and English words
that sound like a key word or an answer word, which ``core.understanding.sounds`` never
changes ("council" is no "cancel").

Needs ``wordfreq`` (``pip install -e '.[lexicon]'``), at build time only::

    python -m tools.build_sound_alikes
"""

from __future__ import annotations

from pathlib import Path

from core.understanding.normalising import bare
from core.understanding.sounds import KNOWN, SOUND_MIN_LETTERS, sounds_like, targets_fingerprint

LANGUAGES = ("fr", "en")
MOST_FREQUENT = 30_000
"""Words per language: 'council' is the 865th English word, 'tard' the 500th French one."""

OUT = Path(__file__).resolve().parent.parent / "core/understanding/data/sound_alikes.txt"


def alikes() -> list[str]:
    """The frequent real words whose sound key is a target's, the targets themselves aside."""
    from wordfreq import top_n_list  # a build-time dependency only

    found = set()
    for language in LANGUAGES:
        for listed in top_n_list(language, MOST_FREQUENT):
            for word in bare(listed).split():
                if (
                    len(word) >= SOUND_MIN_LETTERS
                    and word.isascii()
                    and word.isalpha()
                    and word not in KNOWN
                    and sounds_like(word) is not None
                ):
                    found.add(word)
    return sorted(found)


def main() -> None:
    """Write the list, one word a line."""
    words = alikes()
    header = f"# targets {targets_fingerprint()}"
    OUT.write_text("\n".join([header, *words]) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()

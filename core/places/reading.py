"""Reading a place: a town in one's own words, a postcode, or a shared point."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches

from core.places.communes import Commune, cell_of, communes
from core.places.distance import distance_km
from core.places.names import abroad, change_town_phrases, folded, without_fillers

KNOWN_CUTOFF = 0.75
"""How close a typed name must be to one of the given towns ("tionvile" is Thionville)."""
TABLE_CUTOFF = 0.9
"""How close to any other commune: stricter, among 35,000 names ("Bruxelles" is not
Brutelles, 0.89; "marseile" is Marseille, 0.94)."""
AT_SEA_KM = 12.0
"""A shared point farther than this from every commune is not in France (at sea, abroad)."""
_POSTCODE = re.compile(r"\b(\d{5})\b")
_LONGEST_SPAN = 6


@dataclass(frozen=True, slots=True)
class Place:
    """Where a person is, or says they are: a commune and a point."""

    name: str
    department: str
    postcode: str
    latitude: float
    longitude: float


def _place(commune: Commune, postcode: str = "") -> Place:
    return Place(
        commune.name,
        commune.department,
        postcode or (commune.postcodes[0] if commune.postcodes else ""),
        commune.latitude,
        commune.longitude,
    )


def _spans(words: list[str]) -> list[str]:
    """Every run of consecutive words, longest first, then leftmost."""
    top = min(len(words), _LONGEST_SPAN)
    return [
        " ".join(words[start : start + size])
        for size in range(top, 0, -1)
        for start in range(len(words) - size + 1)
    ]


def _by_postcode(text: str, name: str) -> Place | bool | None:
    """The commune of a postcode written in ``text``; False when a postcode is written but
    none such exists; None when no postcode is written."""
    found = _POSTCODE.search(text)
    if found is None:
        return None
    postcode = found.group(1)
    candidates = communes().by_postcode.get(postcode)
    if not candidates:
        return False
    words = _POSTCODE.sub(" ", name).strip()
    for commune in candidates:  # "57050 Lorry" names which commune of the postcode
        if words and folded(commune.name).startswith(words):
            return _place(commune, postcode)
    return _place(candidates[0], postcode)


def _fuzzy(name: str, names: Sequence[str], cutoff: float) -> str | None:
    found = get_close_matches(name, names, n=1, cutoff=cutoff)
    return found[0] if found else None


def read_place(text: str, known: Sequence[str] = ()) -> Place | None:
    """The place ``text`` names, or None (unknown, abroad, a postcode that does not exist).

    ``known`` are the towns the caller expects (the venues' towns): a name typed close to
    one of them is read as it before any other commune.
    """
    table = communes()
    name = without_fillers(folded(text))
    by_postcode = _by_postcode(text, name)
    if by_postcode is not None:
        return by_postcode if isinstance(by_postcode, Place) else None
    if not name:
        return None
    if name in abroad():
        return None
    spans = _spans(name.split())
    for span in spans:  # a commune's exact name, anywhere in the message
        if span in table.by_name:
            return _place(table.by_name[span][0])
    known_folded = {folded(town): town for town in known}
    for span in spans:
        close = _fuzzy(span, list(known_folded), KNOWN_CUTOFF)
        if close is not None and close in table.by_name:
            return _place(table.by_name[close][0])
    letter = table.names_by_letter.get(name[:1], ())
    near_length = [n for n in letter if abs(len(n) - len(name)) <= 2]
    close = _fuzzy(name, near_length, TABLE_CUTOFF)
    return _place(table.by_name[close][0]) if close is not None else None


def place_at(latitude: float, longitude: float) -> Place | None:
    """The commune nearest a point, or None when the point is far from every one."""
    row, column = cell_of(latitude, longitude)
    cells = communes().by_cell
    best: tuple[float, Commune] | None = None
    for r in (row - 1, row, row + 1):
        for c in (column - 1, column, column + 1):
            for commune in cells.get((r, c), ()):
                km = distance_km(latitude, longitude, commune.latitude, commune.longitude)
                if best is None or km < best[0]:
                    best = (km, commune)
    if best is None or best[0] > AT_SEA_KM:
        return None
    return _place(best[1])


def asks_to_change_town(text: str) -> bool:
    """Whether ``text`` asks to choose the town again ("changer de ville")."""
    said = folded(text)
    return any(
        said == phrase or SequenceMatcher(None, said, phrase).ratio() >= 0.9
        for phrase in change_town_phrases()
    ) or any(f" {phrase} " in f" {said} " for phrase in change_town_phrases())

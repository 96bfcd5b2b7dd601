"""The town and postcode written at the end of a French address."""

from __future__ import annotations

import re

_POSTCODE_TOWN = re.compile(r"\b(\d{5})\s+([^\d,;]+?)\s*(?:,?\s*france)?\s*$", re.IGNORECASE)


def town_and_postcode(address: str) -> tuple[str, str]:
    """``"12 rue X, 57000 Metz"`` -> ``("Metz", "57000")``; ``("", "")`` when not written."""
    found = _POSTCODE_TOWN.search(address.strip())
    if found is None:
        return "", ""
    town = found.group(2).strip(" -")
    if town.isupper() and len(town) > 3:  # "57000 METZ", as La Poste writes it
        town = town.title()
    return town, found.group(1)

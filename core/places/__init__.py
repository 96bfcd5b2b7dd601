"""Places: a town, a postcode or a point, read without any network call.

Pure: text or coordinates in, a :class:`Place` out, from the French communes shipped in
``data/`` (sources and licences in ``data/README.md``). No database, no other room.
"""

from core.places.addresses import town_and_postcode
from core.places.communes import ready
from core.places.distance import distance_km, in_words
from core.places.reading import Place, asks_to_change_town, place_at, read_place

__all__ = [
    "Place",
    "asks_to_change_town",
    "distance_km",
    "in_words",
    "place_at",
    "read_place",
    "ready",
    "town_and_postcode",
]

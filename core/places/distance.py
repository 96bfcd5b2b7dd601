"""Distances between two points, in kilometres and in words."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from core.i18n import Translator

EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine)."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * EARTH_KM * asin(sqrt(a))


def in_words(km: float, t: Translator) -> str:
    """ "tout près" under 2 km, else the distance rounded, "à 12 km"."""
    if km < 2:
        return t("place.distance_near")
    rounded = round(km) if km < 30 else round(km / 5) * 5
    return t("place.distance_km", km=rounded)

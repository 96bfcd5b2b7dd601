"""The place reader: a town in one's own words, a postcode or a point, with no network."""

from __future__ import annotations

import pytest

from core.i18n import Translator
from core.places import (
    asks_to_change_town,
    distance_km,
    in_words,
    place_at,
    read_place,
    town_and_postcode,
)

TOWNS = ("Metz", "Woippy", "Thionville")


@pytest.mark.parametrize(
    ("said", "town"),
    [
        ("Metz", "Metz"),
        ("metz", "Metz"),
        ("a cote de Metz", "Metz"),
        ("à côté de metz", "Metz"),
        ("vers thionville", "Thionville"),
        ("tionvile", "Thionville"),
        ("woipy", "Woippy"),
        ("je suis à Woippy", "Woippy"),
        ("57000", "Metz"),
        ("57100", "Thionville"),
        ("57050 lorry", "Lorry-lès-Metz"),
        ("st julien les metz", "Saint-Julien-lès-Metz"),
        ("j'habite Montigny-lès-Metz", "Montigny-lès-Metz"),
        ("marseile", "Marseille"),
    ],
)
def test_a_town_in_ones_own_words_is_read(said: str, town: str) -> None:
    place = read_place(said, TOWNS)
    assert place is not None
    assert place.name == town


@pytest.mark.parametrize("said", ["Bruxelles", "bruxelle", "Luxembourg", "99999", "London", ""])
def test_a_place_abroad_or_a_postcode_that_does_not_exist_is_nothing(said: str) -> None:
    assert read_place(said, TOWNS) is None


def test_a_shared_point_is_read_as_the_nearest_commune() -> None:
    place = place_at(49.3601, 6.1612)
    assert place is not None
    assert place.name == "Thionville"
    assert place.department == "57"


@pytest.mark.parametrize(("lat", "lon"), [(47.0, -5.0), (43.2, 5.2), (50.85, 4.35)])
def test_a_point_at_sea_or_abroad_is_nothing(lat: float, lon: float) -> None:
    assert place_at(lat, lon) is None


def test_distances_in_km_and_in_words() -> None:
    metz, thionville = read_place("Metz"), read_place("Thionville")
    assert metz is not None
    assert thionville is not None
    km = distance_km(metz.latitude, metz.longitude, thionville.latitude, thionville.longitude)
    assert 25 < km < 30
    t = Translator("fr")
    assert in_words(km, t) == "à 27 km"
    assert in_words(41.2, t) == "à 40 km"
    assert in_words(0.5, t) == "tout près"
    assert in_words(7.4, t) == "à 7 km"


def test_the_town_and_postcode_at_the_end_of_an_address() -> None:
    assert town_and_postcode("12 rue X, 57000 Metz") == ("Metz", "57000")
    assert town_and_postcode("1 place d'Armes 57100 THIONVILLE") == ("Thionville", "57100")
    assert town_and_postcode("rue Serpenoise, Metz") == ("", "")


@pytest.mark.parametrize(
    ("said", "asks"),
    [
        ("changer de ville", True),
        ("Changer de ville svp", True),
        ("autre ville", True),
        ("Metz", False),
        ("annuler", False),
    ],
)
def test_asking_to_change_town(said: str, asks: bool) -> None:
    assert asks_to_change_town(said) is asks

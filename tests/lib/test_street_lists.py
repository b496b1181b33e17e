"""lib.street_lists: an office's street list from its CSV or OpenStreetMap file, one point per
street, bad rows reported by line instead of stopping the import."""

import io
from pathlib import Path

import osmium
import pytest

from rathaus.lib.street_lists import (
    Street,
    StreetListError,
    read_csv,
    read_osm,
)

FIXTURES = Path(__file__).parent / "fixtures"
OSM = FIXTURES / "streets_mitte.osm"
CSV = FIXTURES / "streets_mitte.csv"

# What a reader of the .osm fixture counts as the district's streets and squares.
DISTRICT = {
    "Alt-Moabit",
    "Am Kupfergraben",
    "Am Lustgarten",
    "Bebelplatz",
    "Flughafenstraße",
    "Friedrichstraße",
    "Großer Stern",
    "Hackescher Markt",
    "Hermannstraße",
    "Karl-Marx-Straße",
    "Mehringdamm",
    "Neue Schönhauser Straße",
    "Neue Straße",
    "Pariser Platz",
    "Platz der Republik",
    "Rathausstraße",
    "Schillerstraße",
    "Straße des 17. Juni",
    "Tempelhofer Damm",
    "Unter den Linden",
}


def test_osm_gives_the_named_streets_and_squares_once_each():
    found = read_osm(OSM)
    names = [street.name for street in found.streets]
    assert set(names) == DISTRICT
    assert len(names) == len(DISTRICT)  # the two ways of Hermannstraße are one street
    assert found.problems == ()
    # The building, the canal, the stop's platform, the planned road and the bus stop node
    # have names but are no streets.
    assert not {"Rotes Rathaus", "Kupfergraben", "U Hermannplatz", "Planstraße A"} & set(names)


def test_a_streets_point_is_the_node_nearest_the_middle_of_all_its_ways():
    streets = {street.name: street for street in read_osm(OSM).streets}
    # Hermannstraße: ways 108 and 109 run 52.4860 → 52.4770 along 13.424–13.427.
    assert (streets["Hermannstraße"].lat, streets["Hermannstraße"].lon) == (52.483, 13.425)
    # Karl-Marx-Straße: five nodes over two ways, the middle one is shared.
    assert (streets["Karl-Marx-Straße"].lat, streets["Karl-Marx-Straße"].lon) == (52.477, 13.439)
    # A pedestrian area (Bebelplatz) and a place=square way (Pariser Platz) have points too.
    assert 52.5160 <= streets["Pariser Platz"].lat <= 52.5165


def test_pbf_reads_the_same_as_xml(tmp_path):
    pbf = tmp_path / "mitte.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for item in osmium.FileProcessor(str(OSM)):
            writer.add(item)
    assert pbf.read_bytes()[:4] != b"<?xm"
    assert read_osm(pbf) == read_osm(OSM)


def test_ways_with_nodes_outside_the_extract(tmp_path):
    extract = tmp_path / "cut.osm"
    extract.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="52.5" lon="13.4"/>
  <node id="2" lat="52.6" lon="13.5"/>
  <way id="5"><nd ref="1"/><nd ref="9"/><nd ref="2"/>
    <tag k="highway" v="residential"/><tag k="name" v="Teilweg"/></way>
  <way id="6"><nd ref="7"/><nd ref="8"/>
    <tag k="highway" v="residential"/><tag k="name" v="Außenweg"/></way>
  <node id="3" lat="52.7" lon="13.6"><tag k="place" v="square"/><tag k="name" v="Marktplatz"/></node>
</osm>
""",
        encoding="utf-8",
    )
    found = read_osm(extract)
    assert [street.name for street in found.streets] == ["Marktplatz", "Teilweg"]
    assert [str(problem) for problem in found.problems] == [
        "Weg 6 („Außenweg“): keiner seiner Knoten ist in der Datei."
    ]


def test_unreadable_osm_files(tmp_path):
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a pbf at all")
    with pytest.raises(StreetListError, match="OSM-Datei"):
        read_osm(broken)
    with pytest.raises(FileNotFoundError):
        read_osm(tmp_path / "missing.osm")


def test_the_csv_fixture_matches_the_osm_fixture():
    assert read_csv(CSV) == read_osm(OSM)
    assert CSV.read_bytes().startswith(b"\xef\xbb\xbf")  # as Excel's "CSV UTF-8" writes it


@pytest.mark.parametrize(
    "content",
    [
        "name;lat;lon\nHermannstraße;52.483;13.425\n",
        "name,lat,lon\nHermannstraße,52.483,13.425\n",
        "\ufeffName;Lat;Lon\r\nHermannstraße;52,483;13,425\r\n",  # BOM, decimal commas
        "Straße;Breite;Länge\nHermannstraße;52.483;13.425\n",
        "lon;name;lat\n13.425;Hermannstraße;52.483\n",  # columns in any order
        "Hermannstraße;52.483;13.425\n",  # no header: name, lat, lon
        'name,lat,lon\n"Hermannstraße",52.483,13.425\n\n',
        "name\tlat\tlon\nHermannstraße\t52.483\t13.425\n",
    ],
)
def test_csv_layouts(content):
    assert read_csv(io.StringIO(content)).streets == (Street("Hermannstraße", 52.483, 13.425),)
    as_bytes = io.BytesIO(content.encode("utf-8"))
    assert read_csv(as_bytes).streets == (Street("Hermannstraße", 52.483, 13.425),)


def test_bad_rows_are_reported_with_their_line_and_the_rest_is_read(tmp_path):
    path = tmp_path / "streets.csv"
    path.write_text(
        "name;lat;lon\n"
        "Hermannstraße;52.483;13.425\n"
        "Flughafenstraße;52.48\n"
        ";52.5;13.4\n"
        "Mehringdamm;nördlich;13.38\n"
        "\n"
        "Schillerstraße;52.51;213.41\n"
        "Neue Straße;nan;13.4\n"
        "Rathausstraße;52.5185;13.409\n",
        encoding="utf-8",
    )
    found = read_csv(path)
    assert [street.name for street in found.streets] == ["Hermannstraße", "Rathausstraße"]
    assert [str(problem) for problem in found.problems] == [
        "Zeile 3: 2 Spalte(n); erwartet werden Name, Breite und Länge, getrennt durch „;“.",
        "Zeile 4: Der Straßenname fehlt.",
        "Zeile 5: „nördlich“ ist keine geographische Breite (−90 bis 90).",
        "Zeile 7: „213.41“ ist keine geographische Länge (−180 bis 180).",
        "Zeile 8: „nan“ ist keine geographische Breite (−90 bis 90).",
    ]


def test_files_that_are_no_street_list_at_all():
    with pytest.raises(StreetListError, match="Zeile 3: Die Datei ist nicht UTF-8"):
        read_csv(io.BytesIO("name;lat;lon\nA;1;2\nGro\xdfe Stra\xdfe;1;2\n".encode("cp1252")))
    with pytest.raises(StreetListError, match="leer"):
        read_csv(io.BytesIO(b"\xef\xbb\xbf\n\n"))
    with pytest.raises(StreetListError, match="Zeile 1: Die Kopfzeile"):
        read_csv(io.StringIO("Straßenname;Ortsteil;PLZ\nHermannstraße;Neukölln;12049\n"))


def test_rows_of_one_street_become_one_point_on_it():
    found = read_csv(
        io.StringIO(
            "name;lat;lon\n"
            "Hermannstraße;52.4860;13.4240\n"
            "Hermannstraße;52.4830;13.4250\n"
            "  Hermannstraße ;52.4770;13.4270\n"
            "Neue Schönhauser Straße;52.5245;13.4060\n"
            # "ö" written as o + combining diaeresis, as a Mac may save it
            "Neue Scho\u0308nhauser Straße;52.5251;13.4068\n"
            "Neue Schönhauser Straße;52.5255;13.4075\n"
        )
    )
    assert found.streets == (
        Street("Hermannstraße", 52.4830, 13.4250),
        Street("Neue Schönhauser Straße", 52.5251, 13.4068),
    )

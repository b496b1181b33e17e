"""An office's name in German sentences: article and genitive, set or guessed."""

import pytest

from rathaus.lib.german_names import declined

CASES = ("nominative", "accusative", "dative", "genitive")


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        (
            "Bezirksamt Mitte",
            [
                "das Bezirksamt Mitte",
                "das Bezirksamt Mitte",
                "dem Bezirksamt Mitte",
                "des Bezirksamts Mitte",
            ],
        ),
        (
            "Landkreis Harburg",
            [
                "der Landkreis Harburg",
                "den Landkreis Harburg",
                "dem Landkreis Harburg",
                "des Landkreises Harburg",
            ],
        ),
        (
            "Stadtverwaltung Musterstadt",
            [
                "die Stadtverwaltung Musterstadt",
                "die Stadtverwaltung Musterstadt",
                "der Stadtverwaltung Musterstadt",
                "der Stadtverwaltung Musterstadt",
            ],
        ),
        ("Stadt Musterstadt", ["die Stadt Musterstadt"] * 2 + ["der Stadt Musterstadt"] * 2),
        # A city's own name ends in -stadt and takes no article.
        ("Darmstadt", ["Darmstadt"] * 4),
    ],
)
def test_the_article_and_genitive_are_guessed_from_the_name(name, forms):
    assert [declined(name, case) for case in CASES] == forms


def test_what_the_office_set_wins_over_the_guess():
    name = "Freie Hansestadt Bremen"
    forms = [
        declined(name, case, gender="feminine", genitive="Freien Hansestadt Bremen")
        for case in CASES
    ]
    assert forms == [
        "die Freie Hansestadt Bremen",
        "die Freie Hansestadt Bremen",
        "der Freien Hansestadt Bremen",
        "der Freien Hansestadt Bremen",
    ]
    assert declined("Bezirksamt Mitte", "dative", gender="none") == "Bezirksamt Mitte"
    assert declined("Bremen", "genitive", gender="none", genitive="Bremens") == "Bremens"

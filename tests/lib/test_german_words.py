"""lib.german_words: the one normaliser both databases' search indexes are fed with."""

import re

import pytest

from rathaus.lib import german_words
from rathaus.lib.german_words import Pattern, fold, patterns, stem, tokens, words


def _matches(query_word: str, text: str) -> bool:
    """Whether a token of ``text`` matches a pattern of ``query_word``, as the databases
    compare them."""
    indexed = tokens(text).split()
    return any(
        token.startswith(p.token) if p.prefix else token == p.token
        for p in patterns(fold(query_word))
        for token in indexed
    )


def test_fold_writes_umlauts_and_sharp_s_in_ascii():
    assert fold("Bürgeramt") == fold("Buergeramt") == "buergeramt"
    assert fold("Bahnhofstraße") == fold("BAHNHOFSTRASSE") == "bahnhofstrasse"
    assert fold("Öffnungszeiten Ärger") == "oeffnungszeiten aerger"
    assert fold("Café Müller-Lüdenscheidt") == "cafe mueller-luedenscheidt"


def test_words_drop_stop_words_and_every_operator():
    assert words('Sperrung "und" die (Bahnhofstraße) OR -Linden* NEAR/2') == [
        "sperrung",
        "bahnhofstrasse",
        "or",
        "linden",
        "near",
        "2",
    ]
    assert words("und oder die") == []


def test_stems_join_inflected_forms_and_spellings():
    assert stem("spielplaetze") == stem("spielplatz")
    assert stem(fold("Baustellen")) == stem(fold("Baustelle"))
    assert stem(fold("Sitzungen")) == stem(fold("Sitzung"))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Baustellen", "Die Baustelle bleibt."),
        ("Sitzungen", "Öffentliche Sitzung des Beirats"),
        ("Spielplätze", "Der neue Spielplatz"),
        ("Sperrung", "Vollsperrung der Brücke"),
        ("Sperrungen", "Straßensperrung zum Marathon"),
        ("Sturm", "Warnung vor Sturmböen"),
        ("Bahnhofstrasse", "In der Bahnhofstraße"),
        ("Buergeramt", "Das Bürgeramt hat geöffnet"),
        ("Bürgeramt", "Das Buergeramt hat geoeffnet"),
        ("Kitas", "Neue Kita"),
        ("Rosen", "Am Rosenweg"),
    ],
)
def test_a_query_word_finds_its_forms_and_compounds(query, text):
    assert _matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Sitzung", "Neue Sitzbänke"),
        ("Rosen", "Rost am Geländer"),
        ("Amt", "insgesamt zwölf"),  # too short to be looked for as a compound's head
        ("Spielplatz", "Sportplatz"),
    ],
)
def test_a_query_word_does_not_find_other_words(query, text):
    assert not _matches(query, text)


def test_tokens_and_patterns_are_letters_and_digits_only():
    text = "Sperrung 'x' \"y\" ^z NEAR(a b) {title}: c* ü-ß 2026 Кириллица \x00 <p>"
    for token in tokens(text).split():
        assert re.fullmatch(r"[^\W_]+", token), token
    for word in words(text):
        assert all(re.fullmatch(r"[^\W_]+", p.token) for p in patterns(word))


def test_a_compound_head_is_indexed_backwards_behind_the_marker():
    assert f"{german_words.BACKWARD}gnurrepsllov" in tokens("Vollsperrung").split()
    assert Pattern(f"{german_words.BACKWARD}gnurreps", prefix=True) in patterns("sperrung")
    # Short words are not: nothing short enough to be their head is looked for.
    assert tokens("Kita") == "kita"

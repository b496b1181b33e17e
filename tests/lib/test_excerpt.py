"""A text's first words as one line, cut where a word ends."""

from rathaus.lib.excerpt import excerpt


def test_a_short_text_is_kept_with_its_whitespace_collapsed():
    assert excerpt("  Wann wird\n\n die Linde\tgefällt? ", 80) == "Wann wird die Linde gefällt?"


def test_a_long_text_is_cut_after_the_last_whole_word():
    text = "Vor meinem Haus in der Marktstraße ist seit zwei Wochen ein Schlagloch"
    assert excerpt(text, 30) == "Vor meinem Haus in der…"
    assert len(excerpt(text, 30)) <= 30


def test_a_cut_that_falls_on_a_space_keeps_the_last_word():
    assert excerpt("eins zwei drei vier", 10) == "eins zwei…"


def test_punctuation_left_dangling_goes():
    assert excerpt("Guten Tag, wir haben eine Frage zur Linde", 11) == "Guten Tag…"


def test_one_long_word_is_cut_inside_rather_than_left_empty():
    link = "https://example.org/" + "a" * 100
    assert excerpt(f"{link} bitte ansehen", 40) == link[:39] + "…"

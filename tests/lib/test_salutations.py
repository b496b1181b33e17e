"""Greetings and closings are found where a letter has them, in German and English, and
nowhere else."""

import pytest

from rathaus.lib.salutations import closes, greets


@pytest.mark.parametrize(
    "text",
    [
        "Guten Tag Frau Anwohnerin,\n\ndie Linde …",
        "\n  guten tag,\nwir …",
        "Sehr geehrter Herr Bürger,",
        "Sehr geehrte Damen und Herren,",
        "Liebe Anna,",
        "Hallo!",
        "Moin Moin",
        "Dear Ms Smith,",
        "Good morning,",
    ],
)
def test_greetings_are_found_at_the_top(text):
    assert greets(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Die Linde wird gefällt. Guten Tag!",
        "Hinweis: Die Linde wird gefällt.",
        "Liebenswert ist das nicht.",
        "Guten-Tag-Platz 3 ist gesperrt.",
        "Danke für Ihre Nachricht.\nGuten Tag noch.",
    ],
)
def test_other_first_lines_are_no_greeting(text):
    assert not greets(text)


@pytest.mark.parametrize(
    "text",
    [
        "Text\n\nMit freundlichen Grüßen\nAgnes Amtmann\nBezirksamt Mitte",
        "Text\n\nViele Grüße\nAgnes",
        "Text\nbeste Grüsse",
        "Text\n\nMfG\nA.",
        "Text\n\nKind regards,\nAgnes",
        "Text\n\nGruß\nAgnes",
    ],
)
def test_closings_are_found_among_the_last_lines(text):
    assert closes(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Die Grüße der Nachbarn haben wir weitergegeben.",
        "Mit freundlichen Grüßen\n1\n2\n3\n4\n5",  # far above the end: part of the text
        "Grüßen Sie bitte Ihre Nachbarin von uns.\nSie hat uns geholfen.",
    ],
)
def test_other_endings_are_no_closing(text):
    assert not closes(text)

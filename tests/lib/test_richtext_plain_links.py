"""Plain web addresses in a post's text become links; nothing else does, and a link written
in Markdown is not linked twice."""

from __future__ import annotations

import re

import pytest

from rathaus.lib.richtext import plain_text, render


def _links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html)


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Siehe https://baum.example/linden.", "https://baum.example/linden"),
        ("Mehr (https://baum.example/a) dazu", "https://baum.example/a"),
        ("Fragen? https://baum.example/faq?", "https://baum.example/faq"),
        ("Liste: http://baum.example/a, http://b.example", "http://baum.example/a"),
        ("„https://baum.example/q“ steht dort", "https://baum.example/q"),
        (
            "https://de.wikipedia.org/wiki/Linde_(Gattung), ok",
            "https://de.wikipedia.org/wiki/Linde_(Gattung)",
        ),
        ("HTTPS://BAUM.EXAMPLE/GROSS", "HTTPS://BAUM.EXAMPLE/GROSS"),
        ("**https://baum.example/fett**", "https://baum.example/fett"),
    ],
)
def test_a_plain_address_becomes_a_link_without_the_sentences_punctuation(text, href):
    links = _links(render(text))
    assert links[0] == (href, href)


def test_query_strings_are_escaped_once():
    html = render("https://baum.example/s?a=1&b=2")
    assert _links(html) == [("https://baum.example/s?a=1&amp;b=2",) * 2]


def test_the_link_is_marked_as_the_others_are():
    assert 'rel="noopener noreferrer nofollow"' in render("https://baum.example/")


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "ftp://baum.example/datei",
        "http://",
        "https:///kein-host",
        "xhttps://baum.example/",
        "`https://baum.example/code`",
        "    https://baum.example/eingerueckt",
    ],
)
def test_nothing_else_becomes_a_link(text):
    assert "<a " not in render(text)


def test_quotes_end_the_address_and_cannot_open_an_attribute():
    html = render("https://baum.example/\"onmouseover=\"alert(1) und 'x'")
    assert _links(html) == [("https://baum.example/", "https://baum.example/")]
    assert "onmouseover=" not in html.split("</a>")[0]


def test_a_markdown_link_is_not_linked_twice():
    html = render(
        "[https://baum.example/a](https://baum.example/a) und "
        "[Seite](https://baum.example/b) und <https://baum.example/c>"
    )
    assert _links(html) == [
        ("https://baum.example/a", "https://baum.example/a"),
        ("https://baum.example/b", "Seite"),
        ("https://baum.example/c", "https://baum.example/c"),
    ]


def test_an_address_too_long_to_be_a_web_url_stays_text():
    long = "https://baum.example/" + "a" * 2000
    assert "<a " not in render(long)


def test_the_plain_text_is_unchanged():
    assert plain_text("Siehe https://baum.example/linden.") == "Siehe https://baum.example/linden."


def test_an_excerpt_keeps_list_items_and_blocks_apart():
    from rathaus.lib.richtext import excerpt

    html = render("Gesperrt:\n\n- Hauptstraße\n- Marktplatz\n\nAb *Montag* &amp; länger.")
    assert excerpt(html) == "Gesperrt: – Hauptstraße – Marktplatz Ab Montag & länger."
    assert excerpt(render("<b>x</b>")) == "<b>x</b>"  # text, escaped by the template

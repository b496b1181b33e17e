"""Hostile Markdown and HTML never come out as markup that runs or loads something."""

from html.parser import HTMLParser

import pytest

from rathaus.lib import richtext

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "![tracker](https://evil.example/pixel.gif)",
    '<div style="background:url(https://evil.example/x)">x</div>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)">',
    "<form action='https://evil.example'><input name=q></form>",
]


class _Elements(HTMLParser):
    """Collects the real tags and attributes; escaped text like ``&lt;svg&gt;`` is harmless."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@pytest.mark.parametrize("source", HOSTILE)
def test_it_strips_everything_that_runs_or_loads(source):
    found = _Elements()
    found.feed(richtext.render(source))
    assert found.tags <= richtext.ALLOWED_TAGS
    assert not found.tags & {"script", "img", "iframe", "svg", "form", "input", "div"}
    for name, value in found.attributes:
        assert name in {"href", "title", "rel", "align"}, (source, name)
        if name == "href":
            assert value.split(":")[0].lower() in {"http", "https", "mailto", "tel"}, value


def test_it_keeps_the_markdown_subset():
    html = richtext.render(
        "# Titel\n\n**fett** und *kursiv*\n\n- eins\n- zwei\n\n[Bezirk](https://mitte.example)"
    )
    assert "<h2>Titel</h2>" in html  # the page title is the only h1
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html
    assert "<li>eins</li>" in html
    assert 'href="https://mitte.example"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = richtext.render("Vorsicht <b>fett</b>")
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_plain_text_has_no_tags():
    assert richtext.plain_text("**Sitzung** am [Montag](https://x.example)") == "Sitzung am Montag"


def test_a_post_stores_its_sanitised_html(draft, editor):
    from rathaus.posts import lifecycle

    lifecycle.edit(draft, by=editor, body="Hallo <script>alert(1)</script> **Welt**")
    draft.refresh_from_db()
    assert "<script" not in draft.body_html and "<strong>Welt</strong>" in draft.body_html

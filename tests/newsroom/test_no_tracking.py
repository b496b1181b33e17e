"""Public pages set no cookies and load nothing from other hosts."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

PUBLIC_URLS = [
    "/",
    "/mitte/",
    "/mitte/?page=2",
    "/mitte/kategorie/short-notice/",
    "/mitte/thema/baume/",
    "/mitte/suche/",
    "/mitte/suche/?q=Linden",
    "/mitte/termine/",
    "/mitte/datenschutz/",
    "/mitte/impressum/",
    "{post}",
    "/mitte/feed.rss",
    "/mitte/feed.atom",
    "/mitte/kategorie/short-notice/feed.rss",
    "/mitte/kategorie/short-notice/feed.atom",
    "/mitte/termine.ics",
    "/sitemap.xml",
    "/sitemap-posts.xml",
    "/sitemap-offices.xml",
]
HTML_URLS = [url for url in PUBLIC_URLS if url.endswith("/") or "?" in url or url == "{post}"]


@pytest.fixture
def post(publish_post):
    return publish_post(
        title="Linden werden ersetzt",
        body="Mehr dazu beim [Grünflächenamt](https://gruen.example.org/linden).",
        category="short_notice",
        tags=["Bäume"],
    )


class _Addresses(HTMLParser):
    """src/href values, except those inside the editor's text (class "prose") and the
    canonical address (on the office's public host; a browser loads nothing from it)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.prose_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.prose_depth:
            if tag == "div":
                self.prose_depth += 1
            return
        if tag == "div" and "prose" in (attrs.get("class") or "").split():
            self.prose_depth = 1
            return
        if tag == "link" and attrs.get("rel") == "canonical":
            return
        for name in ("src", "href", "srcset", "action", "poster", "data"):
            if attrs.get(name):
                self.found.append(attrs[name])

    def handle_endtag(self, tag):
        if self.prose_depth and tag == "div":
            self.prose_depth -= 1


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_it_sets_no_cookie(client, url, post):
    response = client.get(url.format(post=post.get_absolute_url()))
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("url", HTML_URLS)
def test_it_refers_to_no_other_host(client, url, post):
    response = client.get(url.format(post=post.get_absolute_url()))
    parser = _Addresses()
    parser.feed(response.text)
    assert parser.found, "the page has links at all"
    for address in parser.found:
        parts = urlsplit(address)
        assert parts.scheme in ("", "mailto", "geo"), address
        assert parts.netloc in ("", "testserver"), address
    assert "<script" not in response.text


def test_the_editors_link_is_kept_in_the_post(client, post):
    text = client.get(post.get_absolute_url()).text
    assert 'href="https://gruen.example.org/linden"' in text

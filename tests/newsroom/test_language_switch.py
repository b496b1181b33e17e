"""The reader chooses the newsroom's language in the address (/en/…, /de/…), without a
cookie; links keep the choice, the page cache keys on it, and a post keeps its own language
inside English chrome (newsroom.language)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse


class _Page(HTMLParser):
    """The html lang, the newsroom's links, the hreflang alternates and the lang of the
    post's title and text."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.links: list[str] = []
        self.alternates: dict[str, str] = {}
        self.content_langs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "link" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"])
        if tag == "h1" or "prose" in (attrs.get("class") or ""):
            self.content_langs.append(attrs.get("lang", ""))


def parsed(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


@pytest.fixture
def post(publish_post):
    return publish_post(title="Linden werden ersetzt", body="Zwei Linden.", category="notice")


def test_en_shows_english_chrome_without_a_cookie(client, office, post):
    response = client.get(f"/en{post.get_absolute_url()}")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert not response.cookies and "Set-Cookie" not in response.headers
    page = parsed(response)
    assert page.lang == "en"
    assert "Latest news" in response.content.decode()


def test_links_on_an_english_page_stay_english(client, office, post):
    page = parsed(client.get(f"/en/{office.slug}/"))

    newsroom_links = [link for link in page.links if not link.startswith(("/static/", "/de/"))]
    assert f"/en{post.get_absolute_url()}" in newsroom_links
    assert f"/en/{office.slug}/kontakt/" in newsroom_links
    assert all(link.startswith("/en/") for link in newsroom_links), newsroom_links


def test_the_post_keeps_its_language_and_says_so(client, office, post):
    response = client.get(f"/en{post.get_absolute_url()}")
    page = parsed(response)

    assert page.content_langs == ["de", "de"]  # the title and the text
    assert "This post is in German." in response.content.decode()
    german = client.get(f"/de{post.get_absolute_url()}").content.decode()
    assert "This post is in" not in german and "Diese Meldung ist auf" not in german


def test_the_list_marks_posts_in_another_language(client, office, post):
    english = client.get(f"/en/{office.slug}/").content.decode()
    german = client.get(f"/de/{office.slug}/").content.decode()

    assert '<span class="content-language">(German)</span>' in english
    assert "content-language" not in german


def test_the_switch_leads_to_the_same_page_in_the_other_language(client, office, post):
    url = reverse("newsroom:search", args=[office.slug])
    page = parsed(client.get(f"/en{url}?q=Linden"))

    assert f"/de{url}?q=Linden" in page.links
    assert page.alternates == {
        "de": f"/de{url}?q=Linden",
        "en": f"/en{url}?q=Linden",
        "x-default": url,
    }


def test_de_wins_over_an_english_browser(client, office, post):
    url = f"/de/{office.slug}/"
    response = client.get(url, headers={"Accept-Language": "en"})

    assert response.headers["Content-Language"] == "de"
    assert parsed(response).lang == "de"


def test_without_a_prefix_the_page_is_german_whatever_the_browser_asks(client, office, post):
    # One address, one page: what a static server serves from the rendered copy too.
    response = client.get(f"/{office.slug}/", headers={"Accept-Language": "en"})

    assert response.headers["Content-Language"] == "de"
    assert "Accept-Language" not in response.headers.get("Vary", "")


def test_forms_still_follow_the_browser(client, office):
    response = client.get(f"/{office.slug}/kontakt/", headers={"Accept-Language": "en"})

    assert response.headers["Content-Language"] == "en"


def test_the_page_cache_keeps_the_languages_apart(client, office, post):
    url = f"/{office.slug}/"
    german = client.get(f"/de{url}")
    english = client.get(f"/en{url}")
    german_again = client.get(f"/de{url}")  # a cache hit
    english_again = client.get(f"/en{url}")

    assert german_again.content == german.content != english.content == english_again.content
    assert english_again.headers["Content-Language"] == "en"
    assert not hasattr(english_again.wsgi_request, "user"), "answered from the cache"


def test_reverse_is_unprefixed_again_after_an_english_page(client, office, post):
    client.get(f"/en/{office.slug}/")

    assert reverse("newsroom:index", args=[office.slug]) == f"/{office.slug}/"


def test_the_desk_and_login_pages_take_no_language_prefix(client, office):
    assert client.get("/en/desk/").status_code == 404
    assert client.get("/en/accounts/login/").status_code == 404


def test_a_404_under_en_is_english_in_the_offices_layout(client, office):
    response = client.get(f"/en/{office.slug}/gibt-es-nicht/")

    assert response.status_code == 404
    text = response.content.decode()
    assert parsed(response).lang == "en"
    assert "Page not found" in text and office.name in text

"""What a shared newsroom link shows elsewhere: canonical address, Open Graph and
Twitter-card meta tags from the post (title, teaser, first image), all absolute on the
office's public host; a favicon of our own; the first image in the feeds and teasers."""

from __future__ import annotations

import re

import feedparser
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from rathaus.posts import lifecycle

PUBLIC = "https://presse.mitte.example"


def _meta(text: str) -> dict[str, str]:
    head = text.split("</head>")[0]
    found = re.findall(
        r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)"', head
    )
    return dict(found)


@pytest.fixture
def with_image(publish_post, tiny_png):
    image = {
        "file": tiny_png,
        "alt_text": "Junge Linde mit Pfahl",
        "author": "A. Gärtner",
        "licence": "CC BY 4.0",
    }
    return publish_post(
        title="Neue Linden",
        body="Wir pflanzen **zwölf** Linden:\n\n- Lindenallee\n- Marktplatz\n",
        category="notice",
        images=[image],
    )


def test_a_post_page_has_its_card_and_canonical_address(client, with_image):
    post = with_image
    text = client.get(post.get_absolute_url()).text
    image = post.images.get()
    own = f"{PUBLIC}{post.get_absolute_url()}"
    assert f'<link rel="canonical" href="{own}">' in text
    meta = _meta(text)
    assert meta["og:url"] == own
    assert meta["og:title"] == meta["twitter:title"] == "Neue Linden"
    assert meta["og:type"] == "article"
    assert meta["og:description"] == "Wir pflanzen zwölf Linden: – Lindenallee – Marktplatz"
    assert meta["og:image"] == meta["twitter:image"]
    assert meta["og:image"] == f"{PUBLIC}/mitte/meldungen/{post.pk}/bilder/{image.key}.jpg"
    assert meta["og:image:alt"] == "Junge Linde mit Pfahl"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:site_name"] == post.office.name
    assert "<script" not in text


def test_a_post_without_image_has_a_small_card(client, published):
    meta = _meta(client.get(published.get_absolute_url()).text)
    assert meta["twitter:card"] == "summary" and "og:image" not in meta


def test_the_front_page_is_canonical_on_the_public_host_and_keeps_its_page_number(client, office):
    first = client.get(reverse("newsroom:index", args=[office.slug])).text
    assert f'<link rel="canonical" href="{PUBLIC}/mitte/">' in first
    assert _meta(first)["og:type"] == "website"
    second = client.get(reverse("newsroom:index", args=[office.slug]), {"page": "2"}).text
    assert f'<link rel="canonical" href="{PUBLIC}/mitte/?page=2">' in second


def test_an_office_without_public_address_is_canonical_on_the_asked_host(client, other_office):
    text = client.get(reverse("newsroom:index", args=[other_office.slug])).text
    assert '<link rel="canonical" href="http://testserver/nord/">' in text


def test_the_meta_tags_escape_the_editors_text(client, publish_post):
    post = publish_post(title='Zitat "x" <b>', body='Er sagte: "<script>"', category="notice")
    text = client.get(post.get_absolute_url()).text
    assert 'content="Zitat &quot;x&quot; &lt;b&gt;"' in text
    assert "<script>" not in text


def test_the_favicon_is_our_own(client, office):
    text = client.get(reverse("newsroom:index", args=[office.slug])).text
    href = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', text).group(1)
    assert href.startswith("/static/")
    assert finders.find(href.removeprefix("/static/"))


def test_an_error_page_claims_no_canonical_address(client, office):
    text = client.get("/mitte/gibt-es-nicht/").text
    assert 'rel="canonical"' not in text and "og:url" not in text


@pytest.mark.parametrize("name", ["rss", "atom"])
def test_the_feeds_carry_the_first_image_as_enclosure(client, office, with_image, name):
    image = with_image.images.get()
    response = client.get(reverse(f"newsroom:{name}", args=[office.slug]))
    entry = feedparser.parse(response.content).entries[0]
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    url = f"{PUBLIC}/mitte/meldungen/{with_image.pk}/bilder/{image.key}.jpg"
    assert [(e.href, e.type) for e in enclosures] == [(url, "image/jpeg")]
    assert int(enclosures[0].length) == len(client.get(url.removeprefix(PUBLIC)).getvalue())


def test_a_post_whose_image_is_not_rendered_yet_has_no_enclosure(client, office, with_image):
    from rathaus.posts import images

    images.rendition_path(with_image.images.get()).unlink()
    response = client.get(reverse("newsroom:rss", args=[office.slug]))
    assert "<enclosure" not in response.text


def test_teasers_show_the_image_and_keep_list_items_apart(client, office, with_image):
    image = with_image.images.get()
    text = client.get(reverse("newsroom:index", args=[office.slug])).text
    src = f"/mitte/meldungen/{with_image.pk}/bilder/{image.key}.jpg"
    assert f'<img class="teaser-image" src="{src}" alt="Junge Linde mit Pfahl"' in text
    assert (
        '<p class="excerpt" lang="de">Wir pflanzen zwölf Linden: – Lindenallee – Marktplatz</p>'
        in text
    )


def test_a_withdrawn_posts_image_leaves_the_teasers(client, office, with_image, approver):
    lifecycle.withdraw(with_image, by=approver, reason="Falsch.")
    assert "teaser-image" not in client.get(reverse("newsroom:index", args=[office.slug])).text


def test_teaser_images_cost_one_query_whatever_the_number_of_posts(
    client, office, publish_post, tiny_png
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        from django.core.cache import cache

        cache.clear()  # render the page, not the cached copy
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("newsroom:index", args=[office.slug]))
        return len(queries)

    def post(number: int) -> None:
        image = {"file": tiny_png, "alt_text": f"Bild {number}", "author": "A", "licence": "CC0"}
        publish_post(title=f"Post {number}", body="Text.", category="notice", images=[image])

    post(1)
    one = count()
    post(2)
    post(3)
    assert count() == one

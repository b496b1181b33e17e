"""Every public page of an office renders and shows what the office published."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from rathaus.newsroom import paging
from rathaus.posts import lifecycle


@pytest.fixture
def event_post(office, editor, approver, tiny_png, django_capture_on_commit_callbacks):
    post = lifecycle.create_draft(
        office,
        by=editor,
        title="Bürgerversammlung zum Lindenplatz",
        body="Alle sind eingeladen, über den **Lindenplatz** zu sprechen.",
        category="meeting",
        place_name="Rathaus Mitte, Saal 2",
        event_start=datetime(2031, 7, 1, 16, 0, tzinfo=UTC),
        event_end=datetime(2031, 7, 1, 18, 30, tzinfo=UTC),
        tags=["Stadtplanung"],
    )
    lifecycle.add_image(
        post,
        by=editor,
        file=tiny_png,
        alt_text="Der Lindenplatz",
        author="K. Muster",
        licence="CC BY 4.0",
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        return lifecycle.publish(post, by=approver)


def test_it_lists_offices_on_the_root_page(client, office, other_office):
    response = client.get(reverse("newsroom:offices"))
    assert response.status_code == 200
    assert office.name in response.text
    assert other_office.name in response.text
    assert 'href="/mitte/"' in response.text


def test_it_lists_the_latest_posts(client, office, published, event_post):
    response = client.get(reverse("newsroom:index", args=[office.slug]))
    assert response.status_code == 200
    text = response.text
    assert published.title in text
    assert event_post.title in text
    # Newest first.
    assert text.index(event_post.title) < text.index(published.title)


def test_it_shows_a_category_page(client, office, published, event_post):
    response = client.get(reverse("newsroom:category", args=[office.slug, "meeting"]))
    assert response.status_code == 200
    assert event_post.title in response.text
    assert published.title not in response.text


def test_it_answers_404_for_an_unknown_category(client, office):
    response = client.get(reverse("newsroom:category", args=[office.slug, "gossip"]))
    assert response.status_code == 404


def test_it_shows_a_tag_page(client, office, published, event_post):
    response = client.get(reverse("newsroom:tag", args=[office.slug, "stadtplanung"]))
    assert response.status_code == 200
    assert event_post.title in response.text
    assert published.title not in response.text


def test_it_shows_the_post_with_its_facts(client, event_post):
    response = client.get(event_post.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "<strong>Lindenplatz</strong>" in text
    assert 'alt="Der Lindenplatz"' in text
    assert "K. Muster" in text and "CC BY 4.0" in text
    assert "Rathaus Mitte, Saal 2" in text
    assert 'href="/mitte/thema/stadtplanung/"' in text
    # 16:00 UTC in July is 18:00 in Berlin, the office's zone. Only the event's "When" is
    # read: the page also shows when the post was published, which is now (16:00 in
    # Berlin when the suite runs at 15:00 UTC in winter).
    when = text.split("<dd><time", 1)[1].split("</dd>", 1)[0]
    assert "18:00" in when
    assert "16:00" not in when
    assert 'datetime="2031-07-01T18:00:00+02:00"' in when


def test_it_offers_plain_share_links(client, event_post):
    text = client.get(event_post.get_absolute_url()).text
    assert 'href="mailto:?subject=' in text
    assert f'value="https://presse.mitte.example{event_post.get_absolute_url()}"' in text
    assert "<script" not in text


def test_it_paginates(client, office, published, event_post, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    url = reverse("newsroom:index", args=[office.slug])
    first = client.get(url).text
    second = client.get(url, {"page": "2"}).text
    beyond = client.get(url, {"page": "3"}).text
    assert event_post.title in first and published.title not in first
    assert 'href="?page=2"' in first
    assert published.title in second and event_post.title not in second
    assert 'href="?page=1"' in second and 'href="?page=3"' not in second
    assert published.title not in beyond
    assert client.get(url, {"page": "zwei"}).status_code == 200


def test_it_shows_imprint_and_privacy(client, office):
    imprint = client.get(reverse("newsroom:imprint", args=[office.slug]))
    privacy = client.get(reverse("newsroom:privacy", args=[office.slug]))
    assert imprint.status_code == privacy.status_code == 200
    assert "Rathausplatz 1" in imprint.text
    assert "datenschutz@mitte.example" in privacy.text


def test_it_has_landmarks_skip_link_and_language(client, office, published):
    text = client.get(reverse("newsroom:index", args=[office.slug])).text
    assert '<html lang="de">' in text
    assert 'href="#content"' in text and 'id="content"' in text
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in text
    assert '<label for="search-q">' in text


def test_it_announces_feeds_in_the_head(client, office):
    text = client.get(reverse("newsroom:index", args=[office.slug])).text
    head = text.split("</head>")[0]
    assert 'type="application/rss+xml"' in head and 'href="/mitte/feed.rss"' in head
    assert 'type="application/atom+xml"' in head and 'href="/mitte/feed.atom"' in head


def test_it_answers_404_for_an_unknown_office(client, db):
    assert client.get("/nirgendwo/").status_code == 404


def test_the_office_logo_is_shown_beside_its_name(client, office, tiny_png):
    office.logo = tiny_png
    office.save()
    page = client.get(reverse("newsroom:index", args=[office.slug]))
    # Uploads are private: the logo comes through the newsroom's own view.
    logo = reverse("newsroom:logo", args=[office.slug])
    assert f'src="{logo}" alt=""' in page.text
    assert client.get(logo)["Content-Type"] == "image/png"

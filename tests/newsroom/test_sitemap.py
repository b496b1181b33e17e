"""sitemap.xml lists every public post and the pages of every office."""

import xml.etree.ElementTree as ET

from rathaus.posts import lifecycle

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).findall(".//s:loc", NS)]


def test_it_indexes_the_sections(client, office):
    sections = _locations(client, "/sitemap.xml")
    assert "http://testserver/sitemap-posts.xml" in sections
    assert "http://testserver/sitemap-offices.xml" in sections


def test_it_lists_public_posts_only(client, published, draft, approver, office, editor):
    other = lifecycle.create_draft(office, by=editor, title="Zurückgezogen", body="x")
    lifecycle.submit(other, by=editor)
    lifecycle.approve(other, by=approver)
    lifecycle.publish(other, by=approver)
    lifecycle.withdraw(other, by=approver, reason="Irrtum")
    locations = _locations(client, "/sitemap-posts.xml")
    assert locations == [f"http://testserver{published.get_absolute_url()}"]


def test_it_lists_office_pages(client, office, other_office):
    locations = _locations(client, "/sitemap-offices.xml")
    assert "http://testserver/mitte/" in locations
    assert "http://testserver/nord/termine/" in locations
    assert "http://testserver/mitte/impressum/" in locations

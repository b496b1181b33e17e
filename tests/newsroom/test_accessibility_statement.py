"""The accessibility statement (Erklärung zur Barrierefreiheit) per office: generated from
the office's settings, linked from every newsroom page, its feedback going to the contact
form (and so into the inbox), no cookies and nothing loaded from elsewhere."""

from datetime import date

import pytest
from django.urls import reverse

# English by the address: newsroom pages do not follow Accept-Language (newsroom.caching).


@pytest.fixture
def stated(office):
    office.accessibility_status = "partial"
    office.accessibility_limitations = "Ältere PDF-Dokumente sind nicht barrierefrei."
    office.accessibility_statement_date = date(2026, 9, 1)
    office.accessibility_method = "self"
    office.accessibility_enforcement_body = "Schlichtungsstelle nach § 16 BGG\nMauerstraße 53"
    office.accessibility_enforcement_url = "https://www.schlichtungsstelle-bgg.de/"
    office.save()
    return office


def test_the_statement_says_what_the_office_set(client, stated):
    response = client.get("/en" + reverse("newsroom:accessibility", args=[stated.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "partially compliant with BITV 2.0" in html
    assert "Ältere PDF-Dokumente sind nicht barrierefrei." in html
    assert "This statement was prepared on" in html and "2026" in html
    assert "self-assessment" in html
    assert "Schlichtungsstelle nach § 16 BGG<br>Mauerstraße 53" in html
    assert 'href="https://www.schlichtungsstelle-bgg.de/"' in html
    # The website it covers, on the office's public host.
    assert "https://presse.mitte.example/en/mitte/" in html
    # Feedback goes through the contact form, whose messages land in the inbox.
    assert f'href="/en{reverse("contact:form", args=[stated.slug])}"' in html
    assert not response.cookies


def test_a_statement_not_yet_filled_in_says_so(client, office):
    response = client.get("/en" + reverse("newsroom:accessibility", args=[office.slug]))
    html = response.content.decode()
    assert "has not been assessed yet" in html
    assert "has not named its enforcement body yet" in html
    assert "This statement was prepared on" not in html


def test_the_statement_names_the_office_with_its_genitive_in_german(client, office):
    office.name_genitive = "Bezirksamts Musterstadt-Mitte (Berlin)"
    office.save()
    html = client.get(reverse("newsroom:accessibility", args=[office.slug])).content.decode()
    assert "des Bezirksamts Musterstadt-Mitte (Berlin)" in html
    assert "Das Bezirksamt Musterstadt-Mitte" in html  # capitalised at a sentence's start
    english = client.get("/en" + reverse("newsroom:accessibility", args=[office.slug]))
    assert "des Bezirksamts" not in english.content.decode()  # English reads the name as it is


@pytest.mark.parametrize("name", ["index", "imprint", "privacy", "events", "search"])
def test_every_newsroom_page_links_the_statement(client, office, name):
    html = client.get(reverse(f"newsroom:{name}", args=[office.slug])).content.decode()
    assert f'href="{reverse("newsroom:accessibility", args=[office.slug])}"' in html


def test_the_contact_form_links_the_statement_too(client, office):
    html = client.get(reverse("contact:form", args=[office.slug])).content.decode()
    assert f'href="{reverse("newsroom:accessibility", args=[office.slug])}"' in html


def test_a_saved_statement_shows_at_once_on_cached_pages(client, stated):
    url = reverse("newsroom:accessibility", args=[stated.slug])
    assert "partially compliant" in client.get("/en" + url).content.decode()
    stated.accessibility_status = "full"
    stated.save(update_fields=["accessibility_status"])
    stated.touch()  # what the desk's settings page does after saving
    assert "fully compliant" in client.get("/en" + url).content.decode()


def test_another_office_has_its_own_statement(client, stated, other_office):
    html = client.get(
        "/en" + reverse("newsroom:accessibility", args=[other_office.slug])
    ).content.decode()
    assert "Ältere PDF-Dokumente" not in html
    assert client.get("/niemand/barrierefreiheit/").status_code == 404

"""Every office publishes its netiquette; moderation refers to it."""

from rathaus.newsroom import caching


def test_it_shows_the_offices_rules_as_escaped_paragraphs(client, office):
    office.netiquette = "Regel 1: freundlich bleiben.\n\nRegel 2: <b>keine</b> Werbung."
    office.save()
    response = client.get("/mitte/netiquette/")
    assert response.status_code == 200
    assert "<p>Regel 1: freundlich bleiben.</p>" in response.text
    assert "&lt;b&gt;keine&lt;/b&gt; Werbung" in response.text
    assert "<b>keine</b>" not in response.text
    assert not response.cookies
    assert "<script" not in response.text


def test_without_rules_of_its_own_it_shows_sensible_defaults(client, office):
    response = client.get("/en/mitte/netiquette/")
    assert "Be respectful." in response.text
    assert 'href="/en/mitte/kontakt/"' in response.text


def test_it_is_a_public_page_caches_may_keep(client, office):
    response = client.get("/mitte/netiquette/")
    assert "public" in response["Cache-Control"]
    assert caching.cached_response(client.get("/mitte/netiquette/").wsgi_request) is not None


def test_it_is_linked_from_every_newsroom_page(client, office):
    assert 'href="/mitte/netiquette/"' in client.get("/mitte/impressum/").text


def test_an_unknown_office_has_none(client, db):
    assert client.get("/nirgendwo/netiquette/").status_code == 404

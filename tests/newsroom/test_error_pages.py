"""Error pages of the public site: in the newsroom's layout (the office's when the address
names one), German by default and English when asked, no cookies, and a 500 that renders
without the database."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from rathaus import urls
from rathaus.newsroom import views
from rathaus.posts import lifecycle

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _assert_public(response) -> None:
    assert not response.cookies and "Set-Cookie" not in response.headers


def test_a_missing_page_of_an_office_keeps_its_newsroom(client, office):
    response = client.get("/mitte/gibt-es-nicht/", **ENGLISH)
    assert response.status_code == 404
    text = response.text
    assert '<html lang="en">' in text
    assert "<h1>Page not found</h1>" in text
    assert office.name in text  # masthead and title
    assert 'href="/mitte/feed.rss"' in text and 'href="/mitte/suche/"' in text
    assert '<meta name="robots" content="noindex">' in text
    _assert_public(response)


def test_a_missing_post_answers_in_the_offices_layout(client, office):
    # A post's address is a newsroom page: its language is the address's (newsroom.caching).
    response = client.get("/en" + reverse("newsroom:post", args=["mitte", 999, "weg"]))
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text and office.name in response.text


def test_an_unknown_office_gets_the_neutral_layout(client, office):
    response = client.get("/niemand/", **ENGLISH)
    assert response.status_code == 404
    text = response.text
    assert "<h1>Page not found</h1>" in text
    assert office.name not in text and 'href="/"' in text
    assert "feed.rss" not in text
    _assert_public(response)


def test_it_is_german_by_default(client, office):
    response = client.get("/mitte/gibt-es-nicht/")
    assert response.status_code == 404
    assert '<html lang="de">' in response.text
    assert "Zum Inhalt springen" in response.text  # the layout's own German
    assert "Skip to content" not in response.text
    _assert_public(response)


def test_a_withdrawn_post_is_gone_in_the_same_layout(client, office, published, approver):
    lifecycle.withdraw(published, by=approver, reason="Termin entfällt.")
    response = client.get("/en" + published.get_absolute_url())
    assert response.status_code == 410
    text = response.text
    assert "<h1>This post has been withdrawn</h1>" in text and "Termin entfällt." in text
    assert '<meta name="robots" content="noindex">' in text
    assert 'href="/en/mitte/feed.rss"' in text  # the office's layout
    _assert_public(response)


def _failing(*args, **kwargs):
    raise RuntimeError("simulated failure")


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_failing_page_answers_500_in_the_page_language(office, monkeypatch, language):
    monkeypatch.setattr(views, "page_of", _failing)
    client = Client(raise_request_exception=False)
    response = client.get(f"/{language}/mitte/")
    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.text
    assert "rathaus/newsroom.css" in response.text
    assert "simulated failure" not in response.text
    if language == "en":
        assert "<h1>Something went wrong</h1>" in response.text
    _assert_public(response)


def test_the_500_page_needs_no_database():
    """No ``db`` fixture: any query would fail the test, as it would fail a 500 page whose
    database is down."""
    response = urls.server_error(RequestFactory().get("/desk/mitte/"))
    assert response.status_code == 500
    assert "rathaus/desk.css" in response.content.decode()
    assert 'href="/desk/"' in response.content.decode()

"""400 (a request the site cannot read) and a form refused for its CSRF token get the error
page of their part of the site, German by default and English under the English locale;
the refused form's text is shown again for copying when the form came from this site."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import log_in

TOO_MANY = {f"field{number}": "x" for number in range(10)}


@pytest.fixture
def few_fields(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5


def _client(**options) -> Client:
    return Client(raise_request_exception=False, **options)


# ----- 400 ----------------------------------------------------------------------------------


def test_a_public_400_is_in_the_offices_layout_and_german(office, few_fields):
    response = _client().post(reverse("contact:form", args=[office.slug]), TOO_MANY)

    assert response.status_code == 400
    text = response.text
    assert '<html lang="de">' in text
    # The new texts' German comes with the next catalogue update; the frame is German now.
    assert "Fehlercode: 400" in text and "Zurück zu den aktuellen Meldungen" in text
    assert office.name in text and "rathaus/newsroom.css" in text
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_a_public_400_is_english_under_en(office, few_fields):
    response = _client().post(f"/en/{office.slug}/kontakt/", TOO_MANY)

    assert response.status_code == 400
    assert '<html lang="en">' in response.text
    assert "<h1>The request could not be read</h1>" in response.text


def test_a_desk_400_is_in_the_desks_layout(office, editor, few_fields):
    client = log_in(_client(), editor, language="en")
    response = client.post(reverse("desk:post_new", args=[office.slug]), TOO_MANY)

    assert response.status_code == 400
    assert '<html lang="en">' in response.text
    assert "<h1>The request could not be read</h1>" in response.text
    assert "rathaus/desk.css" in response.text


# ----- CSRF ---------------------------------------------------------------------------------


def test_a_refused_desk_form_keeps_what_was_typed(office, editor):
    client = log_in(_client(enforce_csrf_checks=True), editor)
    typed = {
        "title": "Baumfällung",
        "body": "Am Montag werden zwei Linden gefällt.",
        "password": "geheim-123",
    }
    response = client.post(reverse("desk:post_new", args=[office.slug]), typed)

    assert response.status_code == 403
    text = response.text
    assert '<html lang="de">' in text and "rathaus/desk.css" in text
    assert "Fehlercode: 403" in text and 'id="typed-heading"' in text
    assert "Am Montag werden zwei Linden gefällt." in text
    assert "geheim-123" not in text  # secrets are never shown again


def test_the_refused_form_page_is_english_under_the_english_locale(office, editor):
    client = log_in(_client(enforce_csrf_checks=True), editor, language="en")
    response = client.post(reverse("desk:post_new", args=[office.slug]), {"title": "Linden"})

    assert response.status_code == 403
    assert '<html lang="en">' in response.text
    assert "<h1>The form could not be sent</h1>" in response.text
    assert "open for too long" in response.text and "What you typed" in response.text


def test_a_form_from_another_site_gets_no_text_shown(office, editor):
    client = log_in(_client(enforce_csrf_checks=True), editor)
    response = client.post(
        reverse("desk:post_new", args=[office.slug]),
        {"body": "Klicken Sie hier: https://phish.example"},
        headers={"Origin": "https://phish.example"},
    )

    assert response.status_code == 403
    assert "Fehlercode: 403" in response.text
    assert "phish.example" not in response.text and 'id="typed-heading"' not in response.text


def test_a_refused_public_form_is_in_the_offices_layout(office):
    response = _client(enforce_csrf_checks=True).post(f"/en/{office.slug}/", {"q": "Linden"})

    assert response.status_code == 403
    text = response.text
    assert '<html lang="en">' in text and office.name in text
    assert "<h1>The form could not be sent</h1>" in text
    assert "Set-Cookie" not in response.headers and not response.cookies

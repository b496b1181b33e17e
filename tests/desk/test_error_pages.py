"""Error pages of the desk in the desk's layout: 404 for another office's desk, 403 for a
role that may not take a step, 500 when a desk view fails; German by default."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rathaus.desk.views import offices as office_views
from tests.helpers import log_in


def test_another_offices_desk_is_a_404_in_the_desk_layout(client, office, outsider):
    outsider.first_name, outsider.last_name = "Nora", "Nord"
    outsider.save()
    log_in(client, outsider, language="en")
    response = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert response.status_code == 404
    text = response.text
    assert '<html lang="en">' in text
    assert "<h1>Page not found</h1>" in text
    assert "rathaus/desk.css" in text and "Log out (Nora Nord)" in text  # by name, as colleagues
    assert office.name not in text  # nothing tells the outsider the office exists


def test_a_role_that_may_not_is_a_403_in_the_desk_layout(client, office, editor):
    log_in(client, editor, language="en")
    response = client.get(reverse("desk:channels", args=[office.slug]))
    assert response.status_code == 403
    assert "<h1>Access denied</h1>" in response.text
    assert "rathaus/desk.css" in response.text


def test_the_desk_error_page_is_german_by_default(client, office, outsider):
    log_in(client, outsider)
    response = client.get("/desk/gibt-es-nicht/")
    assert response.status_code == 404
    assert '<html lang="de">' in response.text
    assert "Zum Inhalt springen" in response.text and "rathaus/desk.css" in response.text


def test_a_failing_desk_view_answers_500_in_the_desk_style(office, editor, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(office_views, "offices_of", failing)
    client = Client(raise_request_exception=False)
    log_in(client, editor, language="en")
    response = client.get(reverse("desk:home"))
    assert response.status_code == 500
    assert '<html lang="en">' in response.text
    assert "rathaus/desk.css" in response.text and "simulated failure" not in response.text

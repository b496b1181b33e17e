"""The subscriber's page also changes the categories and the language; every category
ticked is stored as "all", so categories added later are included."""

import pytest

from rathaus.newsletter.models import ALL_CATEGORIES, NewsletterSettings, Subscriber
from rathaus.posts.models import Category


@pytest.fixture
def subscriber(office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    return Subscriber.objects.create(
        office=office,
        email="anna@example.org",
        categories=",meeting,",
        status=Subscriber.Status.CONFIRMED,
    )


def test_the_page_shows_the_current_choice(client, subscriber):
    response = client.get(
        f"/mitte/newsletter/abmelden/{subscriber.token}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert 'value="meeting" id="id_categories_4" checked' in response.text
    assert 'value="notice" id="id_categories_1" checked' not in response.text


def test_changing_categories_and_language(client, subscriber):
    path = f"/mitte/newsletter/abmelden/{subscriber.token}/"
    response = client.post(
        path, {"save": "1", "categories": ["notice", "emergency"], "language": "en"}
    )
    assert response.status_code == 303
    assert response["Location"] == f"{path}?gespeichert=1"
    subscriber.refresh_from_db()
    assert subscriber.categories == ",emergency,notice,"
    assert subscriber.language == "en"
    assert subscriber.status == Subscriber.Status.CONFIRMED
    shown = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Your changes are saved." in shown.text


def test_every_category_ticked_means_all_of_them(client, subscriber):
    client.post(
        f"/mitte/newsletter/abmelden/{subscriber.token}/",
        {"save": "1", "categories": Category.values, "language": "de"},
    )
    subscriber.refresh_from_db()
    assert subscriber.categories == ALL_CATEGORIES


def test_no_category_is_refused_with_the_error_linked_to_the_group(client, subscriber):
    response = client.post(
        f"/mitte/newsletter/abmelden/{subscriber.token}/",
        {"save": "1", "language": "de"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Please choose at least one category." in response.text
    assert 'aria-describedby="id_categories_helptext id_categories_error"' in response.text
    assert 'id="id_categories_error"' in response.text
    subscriber.refresh_from_db()
    assert subscriber.categories == ",meeting,"

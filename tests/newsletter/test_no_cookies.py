"""No page of the newsletter sets a cookie or depends on one: not the form, not the answer,
not the subscriber's pages, whether shown or sent. The form pages are never cached (they
carry a nonce), the subscriber's pages are personal."""

import pytest

from rathaus.lib import spam
from rathaus.newsletter.models import NewsletterSettings, Subscriber


@pytest.fixture
def token(office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    subscriber = Subscriber.objects.create(office=office, email="anna@example.org")
    return subscriber.token


def _cookie_free(response):
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control


@pytest.mark.parametrize(
    "path",
    [
        "/mitte/newsletter/",
        "/mitte/newsletter/bitte-bestaetigen/",
        "/mitte/newsletter/bestaetigen/{token}/",
        "/mitte/newsletter/abmelden/{token}/",
    ],
)
def test_no_page_sets_a_cookie(strict_client, token, path):
    response = strict_client.get(path.format(token=token))
    assert response.status_code == 200
    _cookie_free(response)


def test_subscribing_works_without_a_cookie_or_csrf_token(strict_client, token):
    response = strict_client.post(
        "/mitte/newsletter/",
        {"email": "bert@example.org", "categories": ["notice"], "nonce": spam.new_nonce()},
    )
    assert response.status_code == 303
    _cookie_free(response)
    assert Subscriber.objects.filter(email="bert@example.org").exists()


def test_confirming_changing_and_unsubscribing_set_no_cookie(strict_client, token):
    confirmed = strict_client.post(f"/mitte/newsletter/bestaetigen/{token}/")
    assert confirmed.status_code == 200
    _cookie_free(confirmed)
    changed = strict_client.post(
        f"/mitte/newsletter/abmelden/{token}/",
        {"save": "1", "categories": ["notice"], "language": "de"},
    )
    assert changed.status_code == 303
    _cookie_free(changed)
    gone = strict_client.post(f"/mitte/newsletter/abmelden/{token}/", {"unsubscribe": "1"})
    assert gone.status_code == 200
    _cookie_free(gone)
    assert Subscriber.objects.count() == 0

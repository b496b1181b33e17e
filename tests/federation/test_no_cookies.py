"""Servers fetching the ActivityPub surface get no cookies: nothing to track, nothing to
keep per client."""

import pytest

from rathaus.federation.models import Account

ACTIVITY = "application/activity+json, application/ld+json"


@pytest.fixture
def urls(office, published):
    Account.objects.create(office=office, username="presse", display_name="Presse")
    return [
        ("/.well-known/webfinger?resource=acct:presse@localhost", "application/jrd+json"),
        ("/.well-known/host-meta", "application/xrd+xml"),
        ("/.well-known/nodeinfo", "application/json"),
        ("/nodeinfo/2.1", "application/json"),
        ("/ap/presse", ACTIVITY),
        ("/ap/presse", "text/html"),
        ("/ap/presse/outbox", ACTIVITY),
        ("/ap/presse/outbox?page=1", ACTIVITY),
        ("/ap/presse/followers", ACTIVITY),
        ("/ap/presse/following", ACTIVITY),
        (f"/ap/presse/notes/{published.pk}", ACTIVITY),
    ]


def test_no_endpoint_sets_a_cookie(client, urls):
    for url, accept in urls:
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code in (200, 302), url
        assert not response.cookies, url
        assert "Set-Cookie" not in response, url

"""The connect page of every platform says exactly what Rathaus keeps of the account, and
offers a server address of that platform's own kind as its example."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rathaus.connectors import family
from tests.helpers import log_in

PLATFORMS = sorted(family.connectors())


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_connect_page_says_what_is_stored(client, office, office_admin, platform):
    connector = family.connectors()[platform]
    log_in(client, office_admin, language="en")
    page = client.get(reverse("desk:account_connect", args=[office.slug, platform]))
    assert page.status_code == 200
    assert str(connector.stores).startswith("Rathaus stores")
    assert str(connector.stores).replace("'", "&#x27;") in page.content.decode()


@pytest.mark.parametrize(
    ("platform", "example"),
    [("bluesky", "https://bsky.social"), ("mastodon", "https://social.bund.de")],
)
def test_the_server_address_example_is_of_the_platforms_kind(
    client, office, office_admin, platform, example
):
    log_in(client, office_admin, language="en")
    page = client.get(reverse("desk:account_connect", args=[office.slug, platform]))
    assert f"e.g. {example}" in page.content.decode()


def test_a_refusal_of_a_platform_posted_by_hand_is_shown_as_it_is(client, office, office_admin):
    # Xing checks the page address itself; its words are shown without a technical frame.
    log_in(client, office_admin, language="en")
    url = reverse("desk:account_connect", args=[office.slug, "xing"])
    page = client.post(url, {"page": "https://elsewhere.example/x"}).content.decode()
    assert "Xing refused the connection: A Xing page address starts with" in page
    assert "The platform refused" not in page


@pytest.mark.parametrize(
    ("platform", "setting"), [("x", "RATHAUS_X"), ("linkedin", "RATHAUS_LINKEDIN")]
)
def test_without_the_installations_app_the_page_names_what_the_operator_sets(
    client, office, office_admin, settings, platform, setting
):
    settings.CONNECTOR_OAUTH_APPS = {}
    log_in(client, office_admin, language="en")
    page = client.get(reverse("desk:account_connect", args=[office.slug, platform]))
    text = page.content.decode()
    assert "is not available yet: this installation has no app registered" in text
    assert f"<code>{setting}_CLIENT_ID</code>" in text
    assert f"<code>{setting}_CLIENT_SECRET</code>" in text
    assert "<code>http://testserver/desk/kanaele/oauth/rueckruf/</code>" in text


def test_with_the_installations_app_the_page_offers_to_sign_in(
    client, office, office_admin, settings
):
    settings.CONNECTOR_OAUTH_APPS = {"x": ("client-1", "secret-1")}
    log_in(client, office_admin, language="en")
    text = client.get(reverse("desk:account_connect", args=[office.slug, "x"])).content.decode()
    assert "Sign in with X" in text and "is not available yet" not in text

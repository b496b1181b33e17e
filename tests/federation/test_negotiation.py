"""One URL for servers and people: JSON for ActivityPub clients, the newsroom for browsers."""

import pytest

LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
# Mastodon's FetchResourceService.
MASTODON = f"application/activity+json, {LD}, text/html;q=0.1"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


pytestmark = pytest.mark.usefixtures("federation_domain")


@pytest.fixture
def urls(account, published):
    return {
        "actor": ("/ap/presse", "https://presse.mitte.example/mitte/"),
        "note": (
            f"/ap/presse/notes/{published.pk}",
            f"https://presse.mitte.example{published.get_absolute_url()}",
        ),
    }


@pytest.mark.parametrize("kind", ["actor", "note"])
@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (MASTODON, "application/activity+json"),
        ("application/activity+json", "application/activity+json"),
        (LD, LD),
    ],
)
def test_activitypub_clients_get_json(client, urls, kind, accept, content_type):
    response = client.get(urls[kind][0], HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "Accept" in response["Vary"]
    assert response.json()["id"] == f"https://rathaus.example{urls[kind][0]}"


@pytest.mark.parametrize("kind", ["actor", "note"])
@pytest.mark.parametrize("accept", [BROWSER, ""])
def test_browsers_go_to_the_newsroom(client, urls, kind, accept):
    response = client.get(urls[kind][0], HTTP_ACCEPT=accept)
    assert response.status_code == 302
    assert response["Location"] == urls[kind][1]

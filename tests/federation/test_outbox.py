"""The outbox pages through an office's public posts; followers are counted, never listed."""

import pytest

from rathaus.federation.models import Account
from rathaus.posts import lifecycle

ACTIVITY = {"HTTP_ACCEPT": "application/activity+json, application/ld+json"}
OUTBOX = "https://rathaus.example/ap/presse/outbox"


pytestmark = pytest.mark.usefixtures("federation_domain")


def test_the_outbox_counts_and_links_its_first_page(client, account, published):
    outbox = client.get("/ap/presse/outbox", **ACTIVITY).json()
    assert outbox["type"] == "OrderedCollection"
    assert outbox["id"] == OUTBOX
    assert outbox["totalItems"] == 1
    assert outbox["first"] == f"{OUTBOX}?page=1"
    assert "orderedItems" not in outbox


def test_pages_hold_twenty_create_activities_newest_first(
    client, account, office, publish_post, editor
):
    posts = [publish_post(title=f"Meldung {n}", body="Text.") for n in range(23)]
    lifecycle.create_draft(office, by=editor, title="Entwurf", body="Noch nicht.")

    first = client.get("/ap/presse/outbox", {"page": 1}, **ACTIVITY).json()
    assert first["type"] == "OrderedCollectionPage"
    assert first["partOf"] == OUTBOX
    assert first["next"] == f"{OUTBOX}?page=2"
    assert "prev" not in first
    items = first["orderedItems"]
    assert len(items) == 20
    assert {item["type"] for item in items} == {"Create"}
    newest = items[0]["object"]
    assert newest["id"] == f"https://rathaus.example/ap/presse/notes/{posts[-1].pk}"
    assert items[0]["id"] == f"{newest['id']}/activity"
    assert items[0]["actor"] == "https://rathaus.example/ap/presse"

    second = client.get("/ap/presse/outbox", {"page": 2}, **ACTIVITY).json()
    assert second["prev"] == f"{OUTBOX}?page=1"
    assert "next" not in second
    assert [item["object"]["id"].rsplit("/", 1)[1] for item in second["orderedItems"]] == [
        str(post.pk) for post in reversed(posts[:3])
    ]
    assert client.get("/ap/presse/outbox", {"page": 3}, **ACTIVITY).status_code == 404
    assert client.get("/ap/presse/outbox", {"page": "x"}, **ACTIVITY).status_code == 404


def test_the_outbox_holds_only_the_offices_public_posts(client, published, other_office):
    Account.objects.create(office=other_office, username="nord", display_name="Nord")
    page = client.get("/ap/nord/outbox", {"page": 1}, **ACTIVITY).json()
    assert page["orderedItems"] == []


def test_the_create_activity_resolves(client, account, published):
    response = client.get(f"/ap/presse/notes/{published.pk}/activity", **ACTIVITY)
    assert response.status_code == 200
    assert response.json()["type"] == "Create"
    assert response.json()["object"]["type"] == "Note"


def test_followers_are_counted_but_not_listed(client, account):
    followers = client.get("/ap/presse/followers", **ACTIVITY).json()
    assert followers["type"] == "OrderedCollection"
    assert followers["totalItems"] == 0
    assert "orderedItems" not in followers
    assert "first" not in followers


def test_an_office_follows_nobody(client, account):
    following = client.get("/ap/presse/following", **ACTIVITY).json()
    assert following["totalItems"] == 0
    assert following["orderedItems"] == []

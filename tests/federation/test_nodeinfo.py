"""NodeInfo: what crawlers and other servers learn about the installation."""

import re
from importlib import metadata

import pytest

from rathaus.federation.models import Account

SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"


pytestmark = pytest.mark.usefixtures("federation_domain")


def test_discovery_links_both_versions(client, db):
    response = client.get("/.well-known/nodeinfo", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    links = {link["rel"]: link["href"] for link in response.json()["links"]}
    assert links == {
        f"{SCHEMA}2.1": "https://rathaus.example/nodeinfo/2.1",
        f"{SCHEMA}2.0": "https://rathaus.example/nodeinfo/2.0",
    }


def check_schema_2_1(doc: dict) -> None:
    """The required fields and types of NodeInfo 2.1 (nodeinfo.diaspora.software/schema)."""
    assert set(doc) >= {
        "version",
        "software",
        "protocols",
        "services",
        "openRegistrations",
        "usage",
        "metadata",
    }
    assert re.fullmatch(r"[a-z0-9-]+", doc["software"]["name"])
    assert isinstance(doc["software"]["version"], str)
    assert doc["protocols"] and set(doc["protocols"]) <= {
        "activitypub", "buddycloud", "dfrn", "diaspora", "libertree",
        "ostatus", "pumpio", "tent", "xmpp", "zot",
    }  # fmt: skip
    assert isinstance(doc["services"]["inbound"], list)
    assert isinstance(doc["services"]["outbound"], list)
    assert isinstance(doc["openRegistrations"], bool)
    assert isinstance(doc["usage"]["users"], dict)
    for count in doc["usage"]["users"].values():
        assert isinstance(count, int) and count >= 0
    assert isinstance(doc["metadata"], dict)


@pytest.mark.parametrize("version", ["2.1", "2.0"])
def test_the_document_counts_accounts_and_public_posts(
    client, office, other_office, draft, published, version
):
    Account.objects.create(office=office, username="presse", display_name="Presse")
    Account.objects.create(office=office, username="baumschutz", display_name="Baumschutz")
    response = client.get(f"/nodeinfo/{version}", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == (f'application/json; profile="{SCHEMA}{version}#"')
    doc = response.json()
    check_schema_2_1(doc)
    assert doc["version"] == version
    assert doc["software"]["name"] == "rathaus"
    assert doc["software"]["version"] == metadata.version("rathaus")
    assert doc["protocols"] == ["activitypub"]
    assert doc["openRegistrations"] is False
    assert doc["usage"]["users"] == {"total": 2, "activeMonth": 2, "activeHalfyear": 2}
    assert doc["usage"]["localPosts"] == 1  # the draft is the published post itself
    assert doc["metadata"]["offices"] == 2


def test_an_unknown_version_is_not_found(client, db):
    assert client.get("/nodeinfo/1.0").status_code == 404

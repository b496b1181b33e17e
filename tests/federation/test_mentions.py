"""A post that names @user@server mentions that person: a linked handle, a Mention tag,
and a delivery to their inbox even when they do not follow the office."""

import json

import pytest

from rathaus.federation import mentions, objects
from rathaus.federation.models import Outgoing, RemoteActor
from tests.fediverse_server import FediverseServer
from tests.helpers import CITIZEN

pytestmark = pytest.mark.usefixtures("federation_over_http")


def test_it_finds_handles_but_not_email_addresses_or_urls():
    text = "Danke @anna@social.example und @Bert@Other.Example:8443! presse@mitte.example, https://x.example/@c@d.example"
    assert mentions.handles(text) == [("anna", "social.example"), ("Bert", "other.example:8443")]


def test_a_known_handle_becomes_a_mention(account, citizen, publish_post):
    post = publish_post(
        title="Dank", body="Danke an @anna@social.example für den Hinweis!", category="service"
    )
    note = objects.note(account, post)
    assert {"type": "Mention", "href": CITIZEN, "name": "@anna@social.example"} in note["tag"]
    assert CITIZEN in note["cc"]
    assert 'href="https://social.example/@anna" class="u-url mention"' in note["content"]
    assert set(Outgoing.objects.values_list("inbox", flat=True)) == {citizen.inbox}


def test_an_unknown_handle_is_looked_up_by_webfinger(account, settings, publish_post):
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    with FediverseServer() as server:
        actor = server.url("/users/bert")
        server.json(
            "/.well-known/webfinger",
            {
                "subject": f"acct:bert@{server.netloc}",
                "links": [{"rel": "self", "type": "application/activity+json", "href": actor}],
            },
            content_type="application/jrd+json",
        )
        server.json(
            "/users/bert",
            {
                "id": actor,
                "type": "Person",
                "preferredUsername": "bert",
                "inbox": f"{actor}/inbox",
                "publicKey": {
                    "id": f"{actor}#main-key",
                    "owner": actor,
                    "publicKeyPem": account.public_key_pem,
                },
            },
        )
        server.status("/users/bert/inbox", 202, method="POST")
        post = publish_post(title="Hallo", body=f"Hallo @bert@{server.netloc}", category="service")
        delivered = server.requests_to("/users/bert/inbox", "POST")
    assert RemoteActor.objects.filter(uri=actor).exists()
    assert len(delivered) == 1
    sent = json.loads(delivered[0].body)["object"]
    assert sent["id"].endswith(f"/notes/{post.pk}")
    assert {"type": "Mention", "href": actor, "name": f"@bert@{server.netloc}"} in sent["tag"]


def test_a_handle_that_cannot_be_found_stays_text(account, settings, publish_post):
    settings.FEDERATION_PRIVATE_HOSTS = []  # refused before connecting: no network here
    post = publish_post(title="X", body="Hallo @niemand@127.0.0.1:9", category="service")
    note = objects.note(account, post)
    assert "@niemand@127.0.0.1:9" in note["content"]
    assert not [t for t in note["tag"] if t["type"] == "Mention"]
    assert post.deliveries.get(channel="fediverse").status == "published"

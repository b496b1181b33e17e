"""Publishing to a LinkedIn organisation page: the Posts API call in LinkedIn's shape, with
the versioned headers, and the text escaped for LinkedIn's "little" format."""

import json

from rathaus.delivery.models import Delivery
from tests.fakes.linkedin import ORGANIZATION, TOKEN


def test_it_publishes_a_post_as_the_organisation(fake, connected_account, publish_post):
    post = publish_post(title="Baumfällung", body="Zwei Linden werden gefällt.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    [created] = fake.live_posts()
    [call] = fake.calls("POST", r"^/rest/posts$")
    body = json.loads(call.body)
    assert delivery.status == Delivery.Status.PUBLISHED
    assert delivery.remote_id == created["id"]
    assert delivery.remote_url == f"https://www.linkedin.com/feed/update/{created['id']}/"
    assert body["author"] == ORGANIZATION
    assert body["visibility"] == "PUBLIC"
    assert body["lifecycleState"] == "PUBLISHED"
    assert body["isReshareDisabledByAuthor"] is False
    assert body["distribution"] == {
        "feedDistribution": "MAIN_FEED",
        "targetEntities": [],
        "thirdPartyDistributionChannels": [],
    }
    assert "content" not in body
    assert created["text"].startswith("Baumfällung\n\nZwei Linden werden gefällt.")
    assert created["text"].endswith(post.get_absolute_url())


def test_every_call_carries_the_version_and_protocol_headers(fake, connected_account, publish_post):
    publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    rest_calls = [r for r in fake.requests if r.path.startswith("/rest/")]
    assert rest_calls
    for request in rest_calls:
        assert request.headers["linkedin-version"].isdigit()
        assert request.headers["x-restli-protocol-version"] == "2.0.0"
        assert request.bearer == TOKEN


def test_reserved_characters_are_escaped_so_linkedin_shows_the_whole_text(
    fake, connected_account, publish_post
):
    # LinkedIn cuts a text short at the first reserved character that is not escaped.
    body = "Sprechstunde (neu) #Bürgeramt: Termine_online <hier> {heute} @Rathaus ~ | [x]"
    publish_post(title="Termine", body=body)

    [created] = fake.live_posts()
    assert (
        "Sprechstunde \\(neu\\) \\#Bürgeramt: Termine\\_online \\<hier\\>" in created["commentary"]
    )
    assert created["text"].startswith(f"Termine\n\n{body}\n\nhttps://")

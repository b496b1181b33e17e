"""Publishing a post on Bluesky: one app.bsky.feed.post record with clickable links."""

from rathaus.delivery.models import Delivery
from tests.fakes.bluesky import POST


def test_it_publishes_a_post_as_a_record_with_link_facets(fake, connected_account, publish_post):

    post = publish_post(title="Baumfällung", body="Zwei Linden in der Müllerstraße werden gefällt.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "published", delivery.last_error
    [record] = fake.posts()
    value = record.value
    assert value["$type"] == POST
    assert record.did == fake.owner.did
    assert value["text"].startswith("Baumfällung\n\nZwei Linden in der Müllerstraße")
    assert value["langs"] == ["de"]
    assert value["createdAt"].endswith("Z")
    link = post.office.public_url(post.get_absolute_url())
    assert value["text"].endswith(link)
    [facet] = value["facets"]
    data = value["text"].encode()
    assert data[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode() == link
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": link}]
    assert delivery.remote_id == record.uri
    assert delivery.remote_url == f"https://bsky.app/profile/{fake.owner.handle}/post/{record.rkey}"

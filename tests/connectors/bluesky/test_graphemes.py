"""Bluesky counts graphemes, not code points: 300 per post (and 3000 bytes). How graphemes
are counted is tests/lib/test_graphemes.py."""

from rathaus.connectors.platforms.bluesky import BlueskyConnector
from rathaus.delivery.models import Delivery
from rathaus.lib.graphemes import graphemes

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def test_the_limit_counts_graphemes_and_keeps_the_byte_limit():
    limits = BlueskyConnector.default_limits
    assert limits.max_chars == 300
    assert limits.count("e\u0301" * 300) == 300
    assert len("e\u0301" * 300) == 600
    # 250 graphemes, but 7000 bytes: too long for one post (3000 bytes at most).
    assert limits.count(SCOTLAND * 250) == 700


def test_a_text_full_of_emoji_is_one_post_when_its_graphemes_fit(
    fake, connected_account, publish_post
):
    body = " ".join([FAMILY] * 100)  # 199 graphemes, 599 code points

    post = publish_post(title="Familientag", body=body)

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "published", delivery.last_error
    [record] = fake.posts()
    assert record.value["text"].startswith(f"Familientag\n\n{body}")
    assert len(record.value["text"]) > 300


def test_a_text_of_more_than_300_graphemes_becomes_a_thread(fake, connected_account, publish_post):

    post = publish_post(title="Familientag", body=" ".join([FAMILY] * 200))

    assert (
        Delivery.objects.get(post=post, channel=connected_account.channel_key).status == "published"
    )
    records = fake.posts()
    assert len(records) == 2
    assert all(graphemes(r.value["text"]) <= 300 for r in records)

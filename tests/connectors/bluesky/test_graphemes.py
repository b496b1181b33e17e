"""Bluesky counts graphemes, not code points: 300 per post (and 3000 bytes)."""

import pytest

from rathaus.connectors.platforms.bluesky import BlueskyConnector
from rathaus.delivery.models import Delivery
from rathaus.lib.graphemes import graphemes

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
GERMANY = "\U0001f1e9\U0001f1ea"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Rathaus", 7),
        ("Müller", 6),
        ("Mu\u0308ller", 6),  # u + combining diaeresis
        (FAMILY, 1),
        ("\u2764\ufe0f\u200d\U0001f525", 1),  # heart on fire
        ("\U0001f44d\U0001f3fd", 1),  # thumbs up, medium skin tone
        ("\U0001f9d1\U0001f3fe\u200d\U0001f692", 1),  # firefighter with skin tone
        (GERMANY, 1),
        (GERMANY * 2 + "\U0001f1e9", 3),  # flags pair up, the odd one out stands alone
        (SCOTLAND, 1),
        ("1\ufe0f\u20e3", 1),  # keycap
        ("a\r\nb", 3),
        ("\u1100\u1161\u11a8", 1),  # Hangul jamo L V T
        ("\ud55c\uad6d\uc5b4", 3),  # 한국어
        ("\u0928\u092e\u0938\u094d\u0924\u0947", 4),  # नमस्ते as before Unicode 15.1
        (FAMILY + "\u200d", 1),  # a trailing joiner stays with it
        ("x\u200d" + FAMILY, 2),  # a joiner after a letter joins no emoji
    ],
)
def test_it_counts_graphemes(text, count):
    assert graphemes(text) == count


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

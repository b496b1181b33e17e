"""Every connector counts characters with the shared counters of lib.graphemes, as its
platform counts them: "👨‍👩‍👧🇩🇪" is two characters on Mastodon (its limit counts grapheme
clusters), not seven code points; thread splitting and the editor's counters follow."""

import pytest

from rathaus.connectors import family
from rathaus.delivery.models import Delivery
from rathaus.desk import counters
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
GERMANY = "\U0001f1e9\U0001f1ea"
TEXT = f"{FAMILY}{GERMANY} Grüße"  # 2 emoji, a space, 5 letters (two of them not ASCII)

fake = serving(FakeMastodon)


@pytest.mark.parametrize(
    ("platform", "count"),
    [
        ("mastodon", 2 + 6),  # graphemes
        ("bluesky", 2 + 6),  # graphemes (its 3000 bytes, a tenth each, are not reached)
        ("x", 2 * 2 + 6),  # an emoji sequence weighs 2, Latin letters 1
        ("telegram", 8 + 4 + 6),  # UTF-16 code units
        ("linkedin", 7 + 6),  # code points of the escaped commentary
        ("facebook", 7 + 6),  # code points
        ("instagram", 7 + 6),
    ],
)
def test_each_platform_counts_as_it_does(platform, count):
    assert family.connectors()[platform].default_limits.count(TEXT) == count


def test_mastodon_counts_the_family_and_the_flag_as_two(connect_account, fake):
    account = fake.connect(connect_account)

    assert family.connector_for(account).limits.count(FAMILY + GERMANY) == 2


def test_an_emoji_text_that_fits_mastodon_is_not_cut_into_a_thread(
    connect_account, fake, publish_post
):
    account = fake.connect(connect_account)
    body = " ".join([FAMILY] * 200)  # 399 characters for Mastodon, 1,199 code points

    post = publish_post(title="Familien", body=body)

    delivery = Delivery.objects.get(post=post, channel=account.channel_key)
    assert delivery.status == "published", delivery.last_error
    [status] = fake.posted()
    assert status.text.startswith(f"Familien\n\n{FAMILY} {FAMILY}")
    assert len(delivery.remote_parts) == 1


def test_the_editors_counter_counts_graphemes_for_mastodon(connect_account, fake, office):
    account = fake.connect(connect_account)
    link = "https://www.berlin.de/ba-mitte/presse/1/"

    [counter] = [
        c
        for c in counters.count(
            office, title="", body=FAMILY + GERMANY, variants={}, alt_texts=[], link=link
        )
        if c.key == account.channel_key
    ]

    assert counter.chars == 2 + len("\n\n") + 23

"""Posts to platforms link to the original on the newsroom: an office without a public base
URL would send a relative link (``/mitte/meldungen/…``), which leads nowhere on a platform.
Such a post is refused with a message that says what to set, and nothing is sent."""

import pytest

from rathaus.delivery.models import Delivery


@pytest.fixture
def without_public_address(office):
    office.public_base_url = ""
    office.save()
    return office


def test_bluesky_gets_no_post_without_the_offices_public_address(
    bluesky, connect_account, without_public_address, publish_post
):
    account = bluesky.connect(connect_account)

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(post=post, channel=account.channel_key)
    assert delivery.status == "failed"
    # The worker writes in the site's language (German), as the office admin reads it.
    assert "keine öffentliche Adresse" in delivery.last_error
    assert "Basis-URL" in delivery.last_error
    assert bluesky.posts() == []
    assert bluesky.calls("POST", r"createRecord$") == []


def test_mastodon_gets_no_post_without_the_offices_public_address(
    mastodon, connect_account, without_public_address, publish_post
):
    account = connect_account("mastodon", api_base=mastodon.url, **mastodon.connection_values())

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(post=post, channel=account.channel_key)
    assert delivery.status == "failed"
    assert "keine öffentliche Adresse" in delivery.last_error
    assert mastodon.posted() == []


def test_with_the_public_address_the_post_ends_with_the_full_link(
    bluesky, connect_account, office, publish_post
):
    account = bluesky.connect(connect_account)

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    assert Delivery.objects.get(post=post, channel=account.channel_key).status == "published"
    [record] = bluesky.posts()
    assert record.value["text"].endswith(
        f"https://presse.mitte.example/mitte/meldungen/{post.pk}-{post.slug}/"
    )


def test_the_newsroom_and_the_fediverse_still_publish_without_it(
    without_public_address, account, publish_post, settings
):
    settings.FEDERATION_DOMAIN = "rathaus.example"

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    newsroom = Delivery.objects.get(post=post, channel="newsroom")
    assert newsroom.status == "published"
    assert newsroom.remote_url == f"https://rathaus.example{post.get_absolute_url()}"

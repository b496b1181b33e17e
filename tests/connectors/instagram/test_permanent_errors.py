"""Instagram: what Meta refuses for good fails the delivery with Meta's message — an image
Instagram cannot download from the newsroom, an image it cannot process — and nothing is
published (the download failure: the contract)."""

import pytest

from rathaus.delivery.models import Delivery

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages")


def test_an_image_instagram_cannot_process_fails(graph, connected_account, publish_photo_post):
    graph.container_error = True

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert delivery.last_error == (
        "Instagram: the image was not accepted: Error: the image format is not supported."
    )
    assert graph.calls("POST", r"/media_publish$") == []


def test_without_a_public_newsroom_address_nothing_is_sent(
    graph, connected_account, office, publish_photo_post
):
    office.public_base_url = ""
    office.save()

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert "public address" in delivery.last_error
    assert graph.requests == []

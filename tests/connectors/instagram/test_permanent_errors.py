"""Instagram: what Meta refuses for good fails the delivery with Meta's message — an image
Instagram cannot download from the newsroom, an image it cannot process — and nothing is
published."""

import pytest

from rathaus.delivery.models import Delivery
from tests.fakes.graph import FakeGraph, png, publish_with_images
from tests.fakes.server import serving

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages")


graph = serving(FakeGraph)


@pytest.fixture
def instagram(graph, connect_account):
    return connect_account("instagram", api_base=graph.url, **graph.connection_values("instagram"))


@pytest.fixture
def publish(office, editor, approver, django_capture_on_commit_callbacks):
    return lambda: publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        [png()],
        title="Linden",
        body="Neu.",
    )


def test_an_image_that_cannot_be_fetched_fails_with_metas_words(graph, instagram, publish):
    graph.error_next(
        9004,
        "Media download has failed. The media URI doesn't meet our requirements.",
        subcode=2207052,
        path=r"/media$",
    )

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "failed"
    assert delivery.last_error.startswith(
        "Instagram: Media download has failed. The media URI doesn't meet our requirements. "
        "(code 9004/2207052"
    )
    assert graph.media == {}


def test_an_image_instagram_cannot_process_fails(graph, instagram, publish):
    graph.container_error = True

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "failed"
    assert delivery.last_error == (
        "Instagram: the image was not accepted: Error: the image format is not supported."
    )
    assert graph.calls("POST", r"/media_publish$") == []


def test_without_a_public_newsroom_address_nothing_is_sent(graph, instagram, office, publish):
    office.public_base_url = ""
    office.save()

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "failed"
    assert "public address" in delivery.last_error
    assert graph.requests == []

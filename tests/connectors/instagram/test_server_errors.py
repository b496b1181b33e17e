"""Instagram: a 5xx while publishing queues the delivery, and the next attempt publishes
once. Making a media container, which leaves nothing visible behind, is tried again at
once within the same attempt."""

import pytest

from rathaus.delivery.models import Delivery
from tests.fakes.graph import IG_ID, FakeGraph, png, publish_with_images
from tests.fakes.server import serving

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


def test_a_503_when_publishing_is_retried_and_published_once(graph, instagram, publish, send_all):
    graph.fail_next(503, path=r"/media_publish$")

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "queued"
    assert "HTTP 503" in delivery.last_error
    assert graph.media == {}
    assert send_all()[instagram.channel_key] == "published"
    assert len(graph.media) == 1
    assert graph.posts_by_account() == {IG_ID: [next(iter(graph.media.values()))["caption"]]}


def test_a_failed_container_is_made_again_at_once(graph, instagram, publish):
    graph.fail_next(502, path=rf"^/v21\.0/{IG_ID}/media$")

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "published"
    assert delivery.attempts == 1
    assert len(graph.calls("POST", rf"^/v21\.0/{IG_ID}/media$")) == 2
    assert len(graph.media) == 1

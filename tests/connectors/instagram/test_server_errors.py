"""Instagram: a 5xx while publishing queues the delivery, and the next attempt publishes
once. Making a media container, which leaves nothing visible behind, is tried again at
once within the same attempt."""

from rathaus.delivery.models import Delivery
from tests.fakes.graph import IG_ID


def test_a_503_when_publishing_is_retried_and_published_once(
    graph, connected_account, publish_photo_post, send_all
):
    graph.fail_next(503, path=r"/media_publish$")

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "HTTP 503" in delivery.last_error
    assert graph.media == {}
    assert send_all()[connected_account.channel_key] == "published"
    assert len(graph.media) == 1
    assert graph.posts_by_account() == {IG_ID: [next(iter(graph.media.values()))["caption"]]}


def test_a_failed_container_is_made_again_at_once(graph, connected_account, publish_photo_post):
    graph.fail_next(502, path=rf"^/v21\.0/{IG_ID}/media$")

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert delivery.attempts == 1
    assert len(graph.calls("POST", rf"^/v21\.0/{IG_ID}/media$")) == 2
    assert len(graph.media) == 1

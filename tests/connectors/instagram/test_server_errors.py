"""Instagram: a 5xx while publishing queues the delivery, and the next attempt publishes
once. Making a media container, which leaves nothing visible behind, is tried again at
once within the same attempt. (A 5xx when publishing: the contract.)"""

from rathaus.delivery.models import Delivery
from tests.fakes.graph import IG_ID


def test_a_failed_container_is_made_again_at_once(graph, connected_account, publish_photo_post):
    graph.fail_next(502, path=rf"^/v21\.0/{IG_ID}/media$")

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert delivery.attempts == 1
    assert len(graph.calls("POST", rf"^/v21\.0/{IG_ID}/media$")) == 2
    assert len(graph.media) == 1

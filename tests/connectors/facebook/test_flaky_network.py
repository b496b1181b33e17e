"""Facebook: on a network where every fifth call fails with a 503 and answers get lost,
every post still reaches the page — exactly once."""

from rathaus.delivery.models import Delivery
from tests.fakes.graph import PAGE_ID


def test_every_post_arrives_once(graph, connected_account, publish_post, send_all):
    graph.failure_rate = 0.2
    graph.drop_after_handling_next()

    for number in range(8):
        publish_post(title=f"Meldung {number}", body=f"Text der Meldung {number}.")
    send_all(rounds=30)

    deliveries = Delivery.objects.filter(channel=connected_account.channel_key)
    assert {d.status for d in deliveries} == {"published"}
    assert any(d.attempts > 1 for d in deliveries)  # the trouble did happen
    messages = graph.posts_by_account()[PAGE_ID]
    assert len(messages) == len(set(messages)) == 8
    assert {d.remote_id for d in deliveries} == set(graph.posts)

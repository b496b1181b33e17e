"""Instagram: when the answer to publishing is lost (the post is on Instagram, the
connection broke), the retry finds the post among the account's recent media by its
caption and publishes nothing a second time."""

from rathaus.delivery.models import Delivery
from tests.fakes.graph import IG_ID


def test_the_retry_finds_the_post_and_publishes_nothing_twice(
    graph, connected_account, send_all, publish_photo_post
):
    graph.drop_after_handling(r"/media_publish$")
    publish_photo_post()
    delivery = Delivery.objects.get(channel=connected_account.channel_key)

    assert delivery.status == "queued"
    assert len(graph.media) == 1

    assert send_all()[connected_account.channel_key] == "published"

    [media] = graph.media.values()
    assert graph.posts_by_account() == {IG_ID: [media["caption"]]}
    assert len(graph.calls("POST", r"/media_publish$")) == 1
    assert graph.calls("GET", rf"^/v21\.0/{IG_ID}/media$")
    delivery.refresh_from_db()
    assert (delivery.remote_id, delivery.remote_url) == (media["id"], media["permalink"])


def test_a_lost_container_answer_costs_only_a_second_container(
    graph, connected_account, publish_photo_post
):
    graph.drop_after_handling_next()  # the first call that changes anything: the container

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert len(graph.containers) == 2  # the unused one expires on Instagram's side
    assert len(graph.media) == 1

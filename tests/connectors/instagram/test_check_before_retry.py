"""Instagram: when the answer to publishing is lost (the post is on Instagram, the
connection broke), the retry finds the post among the account's recent media by its
caption and publishes nothing a second time (that case: the contract); a lost container
answer costs only a second container."""

from rathaus.delivery.models import Delivery


def test_a_lost_container_answer_costs_only_a_second_container(
    graph, connected_account, publish_photo_post
):
    graph.drop_after_handling_next()  # the first call that changes anything: the container

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert len(graph.containers) == 2  # the unused one expires on Instagram's side
    assert len(graph.media) == 1

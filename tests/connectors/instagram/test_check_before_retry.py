"""Instagram: when the answer to publishing is lost (the post is on Instagram, the
connection broke), the retry finds the post among the account's recent media by its
caption and publishes nothing a second time."""

import pytest

from rathaus.delivery.models import Delivery
from tests.fakes.graph import IG_ID, FakeGraph, png, publish_with_images
from tests.fakes.server import serving

graph = serving(FakeGraph)


@pytest.fixture
def instagram(graph, connect_account):
    return connect_account("instagram", api_base=graph.url, **graph.connection_values("instagram"))


def test_the_retry_finds_the_post_and_publishes_nothing_twice(
    graph, instagram, office, editor, approver, django_capture_on_commit_callbacks, send_all
):
    graph.drop_after_handling(r"/media_publish$")
    publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        [png()],
        title="Linden",
        body="Neu.",
    )
    delivery = Delivery.objects.get(channel=instagram.channel_key)

    assert delivery.status == "queued"
    assert len(graph.media) == 1

    assert send_all()[instagram.channel_key] == "published"

    [media] = graph.media.values()
    assert graph.posts_by_account() == {IG_ID: [media["caption"]]}
    assert len(graph.calls("POST", r"/media_publish$")) == 1
    assert graph.calls("GET", rf"^/v21\.0/{IG_ID}/media$")
    delivery.refresh_from_db()
    assert (delivery.remote_id, delivery.remote_url) == (media["id"], media["permalink"])


def test_a_lost_container_answer_costs_only_a_second_container(
    graph, instagram, office, editor, approver, django_capture_on_commit_callbacks
):
    graph.drop_after_handling_next()  # the first call that changes anything: the container

    publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        [png()],
        title="Linden",
        body="Neu.",
    )

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "published"
    assert len(graph.containers) == 2  # the unused one expires on Instagram's side
    assert len(graph.media) == 1

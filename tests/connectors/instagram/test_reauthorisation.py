"""Instagram: when the page token it uses expires (code 190), the delivery and the account
wait as "needs re-authorisation" and nothing is posted; fetching comments stops too."""

import pytest

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from tests.fakes.graph import PAGE_ID, FakeGraph, png, publish_with_images
from tests.fakes.server import serving

graph = serving(FakeGraph)


@pytest.fixture
def instagram(graph, connect_account):
    return connect_account("instagram", api_base=graph.url, **graph.connection_values("instagram"))


def test_an_expired_token_needs_reauthorisation(
    graph, instagram, office, editor, approver, django_capture_on_commit_callbacks
):
    graph.expire(graph.token_of(PAGE_ID))

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
    instagram.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert "Session has expired" in delivery.last_error
    assert instagram.status == "needs_reauth"
    assert graph.media == {} and graph.containers == {}


def test_fetching_with_an_expired_token_marks_the_account(
    graph, instagram, office, editor, approver, django_capture_on_commit_callbacks
):
    publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        [png()],
        title="Linden",
        body="Neu.",
    )
    graph.expire(graph.token_of(PAGE_ID))

    assert fetching.fetch(instagram) == 0

    instagram.refresh_from_db()
    assert instagram.status == "needs_reauth"
    assert instagram.cursor == ""

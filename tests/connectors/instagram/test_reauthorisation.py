"""Instagram: when the page token it uses expires (code 190), the delivery and the account
wait as "needs re-authorisation" and nothing is posted; fetching comments stops too."""

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from tests.fakes.graph import PAGE_ID


def test_an_expired_token_needs_reauthorisation(graph, connected_account, publish_photo_post):
    graph.expire(graph.token_of(PAGE_ID))

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    connected_account.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert "Session has expired" in delivery.last_error
    assert connected_account.status == "needs_reauth"
    assert graph.media == {} and graph.containers == {}


def test_fetching_with_an_expired_token_marks_the_account(
    graph, connected_account, publish_photo_post
):
    publish_photo_post()
    graph.expire(graph.token_of(PAGE_ID))

    assert fetching.fetch(connected_account) == 0

    connected_account.refresh_from_db()
    assert connected_account.status == "needs_reauth"
    assert connected_account.cursor == ""

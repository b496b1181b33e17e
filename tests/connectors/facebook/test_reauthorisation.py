"""Facebook: an expired or revoked token (code 190) stops the page — the delivery waits as
"needs re-authorisation", the account too, and the office's admins are told. Once a new
page token is connected, the delivery can be retried (the expired token itself: the contract)."""

import pytest

from rathaus.connectors import accounts
from rathaus.delivery import sending
from rathaus.delivery.models import Delivery
from tests.fakes.graph import PAGE_ID

pytestmark = pytest.mark.usefixtures("loopback_platforms")


def test_after_connecting_a_new_token_the_retry_posts(
    graph, connected_account, office, office_admin, approver, publish_post
):
    graph.expire(graph.token_of(PAGE_ID))
    publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")
    delivery = Delivery.objects.get(channel=connected_account.channel_key)

    values = {"page_id": PAGE_ID, "access_token": graph.new_token(PAGE_ID)}
    again = accounts.connect(office, "facebook", values, api_base=graph.url, by=office_admin)
    sending.retry(delivery, by=approver)

    delivery.refresh_from_db()
    assert again.pk == connected_account.pk
    assert again.status == "active"
    assert delivery.status == "published"
    [created] = graph.posts.values()
    [call] = graph.calls("POST", r"/feed$")[-1:]
    assert call.bearer == values["access_token"]
    assert delivery.remote_id == created["id"]

"""A 5xx from X or a lost connection is tried again after a short backoff (X's rate-limit
window on the answer is no reason to wait) and then publishes once (a 5xx: the contract, tests/connectors/contract/)."""

from rathaus.delivery.models import Delivery


def test_an_unreachable_server_is_a_temporary_failure(connected_account, fake, publish_post):
    fake.stop()

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert delivery.last_error.startswith("network:")

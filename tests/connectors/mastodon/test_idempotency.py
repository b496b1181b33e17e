"""Every status is posted with an Idempotency-Key that stays the same over a delivery's
attempts, so Mastodon itself returns the first status for a repeated request within the
hour, even where the check before a retry could not see it."""

from rathaus.connectors import family
from rathaus.delivery.channels import Attempt
from rathaus.delivery.models import Delivery


def test_every_attempt_sends_the_same_idempotency_key(
    connected_account, fake, publish_post, send_all
):
    fake.fail_next(503, path=r"/statuses$")

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")
    send_all()

    first, second = fake.calls("POST", r"^/api/v1/statuses$")
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len(fake.posted()) == 1


def test_a_repeated_post_returns_the_first_status(connected_account, fake, publish_post):
    publish_post(title="Baum", body="Zwei Linden werden gefällt.")
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    # As if the first attempt's parts had been forgotten: it posts again, unchecked.
    Delivery.objects.filter(pk=delivery.pk).update(remote_parts=[])
    delivery.refresh_from_db()

    again = family.connector_for(connected_account).publish(Attempt.of(delivery))

    [status] = fake.posted()
    assert again.remote_id == status.id == delivery.remote_id
    assert len(fake.calls("POST", r"^/api/v1/statuses$")) == 2


def test_posts_of_different_deliveries_have_different_keys(connected_account, fake, publish_post):
    publish_post(title="Baum", body="Zwei Linden werden gefällt.")
    publish_post(title="Bank", body="Eine Bank wird aufgestellt.")

    keys = {c.headers["idempotency-key"] for c in fake.calls("POST", r"^/api/v1/statuses$")}
    assert len(keys) == 2
    assert len(fake.posted()) == 2
